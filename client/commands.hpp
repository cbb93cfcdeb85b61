/*
 * commands.hpp — one function per command (client/commands/<name>.cpp).
 *
 * Each returns the exit code, or throws Failure / SqlError, which main()
 * turns into an exit code and an error message. Results go through Output.
 */
#pragma once

#include "options.hpp"
#include "output.hpp"

namespace pgmigrate::client {

int RunInstall(const GlobalOptions &global, Output &out);
int RunNew(const GlobalOptions &global, const NewOptions &options, Output &out);
int RunPush(const GlobalOptions &global, Output &out);
int RunDeploy(const GlobalOptions &global, const DeployOptions &options, Output &out);
int RunStatus(const GlobalOptions &global, Output &out);
int RunHistory(const GlobalOptions &global, const HistoryOptions &options, Output &out);
int RunLint(const GlobalOptions &global, const LintOptions &options, Output &out);
int RunDrift(const GlobalOptions &global, const DriftOptions &options, Output &out);

} // namespace pgmigrate::client

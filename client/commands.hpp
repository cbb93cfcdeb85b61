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
/* deploy to every --db and --targets database, --jobs at a time: a result table, the worst exit code */
int RunDeployMany(const GlobalOptions &global, const DeployOptions &options, Output &out);
int RunStatus(const GlobalOptions &global, Output &out);
int RunHistory(const GlobalOptions &global, const HistoryOptions &options, Output &out);
int RunLint(const GlobalOptions &global, const LintOptions &options, Output &out);
int RunDrift(const GlobalOptions &global, const DriftOptions &options, Output &out);
int RunRollback(const GlobalOptions &global, const RollbackOptions &options, Output &out);
int RunVerify(const GlobalOptions &global, const VerifyOptions &options, Output &out);
int RunValidate(const GlobalOptions &global, Output &out);
int RunDiff(const GlobalOptions &global, const DiffOptions &options, Output &out);
int RunResolve(const GlobalOptions &global, const ResolveOptions &options, Output &out);
int RunBaseline(const GlobalOptions &global, const VersionTargetOptions &options, Output &out);
int RunRepair(const GlobalOptions &global, const VersionTargetOptions &options, Output &out);
int RunVersion(const GlobalOptions &global, const VersionOptions &options, Output &out);
int RunReset(const GlobalOptions &global, const ResetOptions &options, Output &out);
int RunTest(const GlobalOptions &global, const TestOptions &options, Output &out);
int RunAdopt(const GlobalOptions &global, const AdoptOptions &options, Output &out);

} // namespace pgmigrate::client

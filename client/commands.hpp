/*
 * commands.hpp — the commands (client/commands/<name>.cpp), one Command each
 * (command.hpp); main.cpp lists them in its table.
 *
 * A command's run returns the exit code, or throws Failure / SqlError, which
 * main() turns into an exit code and an error message. Results go through Output.
 */
#pragma once

#include "command.hpp"

#include <string>
#include <vector>

namespace pgmigrate::client {

extern const Command kInstallCommand;
extern const Command kNewCommand;
extern const Command kPushCommand;
extern const Command kDeployCommand;
extern const Command kStatusCommand;
extern const Command kHistoryCommand;
extern const Command kLintCommand;
extern const Command kDriftCommand;
extern const Command kRollbackCommand;
extern const Command kVerifyCommand;
extern const Command kValidateCommand;
extern const Command kDiffCommand;
extern const Command kResolveCommand;
extern const Command kBaselineCommand;
extern const Command kRetryCommand;
extern const Command kRepairCommand;
extern const Command kVersionCommand;
extern const Command kResetCommand;
extern const Command kAdoptCommand;
extern const Command kTestCommand;

/* deploy's options: reset deploys again, deploy_many deploys to each database with them */
struct DeployOptions {
	std::vector<std::string> streams;      /* empty: every stream */
	std::vector<std::string> skip_streams; /* also "index" when SKIP_INDEX_MIGRATIONS=true */
	std::string target;                    /* empty: no target */
	bool dry_run = false;
	bool no_wait = false; /* return once apply() has queued work for the background runner */
	/* apply pending migrations registered on the server that are in none of the files */
	bool include_server_only = false;
	/* record the schema as it is as the baseline first (migrate.accept_drift()) */
	bool accept_drift = false;
	/* --backup DIR: pg_dump -Fc into DIR before anything pending is applied (empty: no backup) */
	std::string backup_dir;
};

int RunDeploy(const GlobalOptions &global, const DeployOptions &options, Output &out);
/* deploy to every --db and --targets database, --jobs at a time: a result table, the worst exit code */
int RunDeployMany(const GlobalOptions &global, const DeployOptions &options, Output &out);

} // namespace pgmigrate::client

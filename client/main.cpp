/*
 * main.cpp — pg_migrate's command line (CLI11): the global options, the
 * command table (commands.hpp) and its dispatch, and the single place where
 * errors become exit codes and messages.
 */
#include "commands.hpp"
#include "connection.hpp"
#include "conninfo.hpp"
#include "exit_codes.hpp"
#include "layouts.hpp"
#include "output.hpp"
#include "session.hpp"

#include <CLI/CLI.hpp>

#include <cstring>
#include <iostream>
#include <map>
#include <string_view>

using namespace pgmigrate::client;

namespace {

/* Whether argv asks for JSON, for errors found before parsing succeeded. */
bool
ArgvWantsJson(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (std::strcmp(argv[i], "--format=json") == 0)
			return true;
		if (std::strcmp(argv[i], "--format") == 0 && i + 1 < argc && std::strcmp(argv[i + 1], "json") == 0)
			return true;
	}
	return false;
}

/*
 * Once CLI11 has copied the --db values into the program's memory, their
 * passwords are wiped from argv: on Linux ps and /proc/PID/cmdline read
 * argv's memory, and any user of the machine may look there for as long as
 * a deploy runs. Only the arguments that are --db values are touched.
 */
void
HidePasswordsInArgv(int argc, char **argv, const std::vector<std::string> &dbs)
{
	constexpr std::string_view kInline = "--db=";
	for (int i = 1; i < argc; i++) {
		for (const std::string &db : dbs) {
			if (db == argv[i]) {
				OverwritePasswords(argv[i]);
				break;
			}
			if (std::strncmp(argv[i], kInline.data(), kInline.size()) == 0 && db == argv[i] + kInline.size()) {
				OverwritePasswords(argv[i] + kInline.size());
				break;
			}
		}
	}
}

/* Runs the command and turns every error into its exit code, message and JSON "error" object. */
int
RunGuarded(Output &out, const std::function<int()> &command)
{
	int code = kExitOk;
	nlohmann::json error;
	try {
		code = command();
	} catch (const Failure &f) {
		code = f.exit_code;
		out.Error(std::string("error: ") + f.what());
		error = f.details.is_object() ? f.details : nlohmann::json::object();
		error["message"] = f.what();
	} catch (const SqlError &e) {
		code = e.connection_lost ? static_cast<int>(kExitConnect) : ExitCodeForSqlState(e.sqlstate);
		out.Error("error: " + SqlErrorText(e));
		error = SqlErrorJson(e);
		error["message"] = e.what();
	} catch (const std::exception &e) {
		code = kExitFailed;
		out.Error(std::string("error: ") + e.what());
		error = {{"message", e.what()}};
	}
	out.Doc()["ok"] = code == kExitOk;
	out.Doc()["exit_code"] = code;
	if (code != kExitOk)
		out.Doc()["error"] = error;
	out.Emit();
	return code;
}

/* Every command, in the order --help lists them. Adding a command: its file and one row here. */
const Command *const kCommands[] = {
    &kInstallCommand,  &kNewCommand,     &kPushCommand,    &kDeployCommand,   &kStatusCommand,
    &kHistoryCommand,  &kLintCommand,    &kDriftCommand,   &kRollbackCommand, &kVerifyCommand,
    &kValidateCommand, &kDiffCommand,    &kResolveCommand, &kBaselineCommand, &kRetryCommand,
    &kRepairCommand,   &kVersionCommand, &kResetCommand,   &kAdoptCommand,    &kTestCommand,
};

} // namespace

int
main(int argc, char **argv)
{
	GlobalOptions global;
	std::string format = "text";

	CLI::App app{"pg_migrate: PostgreSQL migrations that live inside the database", "pg_migrate"};
	/* global options may also follow the command: pg_migrate deploy --db URL */
	app.fallthrough();
	/* a repeated single-valued option: the last one wins, as in most tools */
	app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
	app.set_version_flag("--version", std::string("pg_migrate ") + PG_MIGRATE_VERSION);
	app.add_option("--db", global.dbs,
	               "database URL or conninfo (default: $DATABASE_URL, else PG* variables); deploy takes several")
	    ->take_all()
	    ->allow_extra_args(false);
	app.add_option("--targets", global.targets, "deploy: file of connection strings, one per line (# comments)");
	app.add_option("--jobs", global.jobs, "deploy to several databases: how many at the same time (default 1)")
	    ->check(CLI::Range(1, 64));
	app.add_option("--dir", global.dirs, "[STREAM=]PATH of a migrations folder, repeatable (default: ./migrations)")
	    ->take_all()
	    ->allow_extra_args(false);
	app.add_option("--layout", global.layout,
	               "layout of every --dir: native, prisma, flyway, drizzle, golang-migrate (default: detected)")
	    ->check(CLI::IsMember(LayoutNameList()));
	app.add_option("--format", format, "output format: text or json")->check(CLI::IsMember({"text", "json"}));
	app.add_flag("-q,--quiet", global.quiet, "print errors only");
	app.add_flag("-v,--verbose", global.verbose, "print connection details and server notices");

	std::map<const CLI::App *, std::pair<const Command *, Runner>> commands;
	for (const Command *command : kCommands) {
		CLI::App *subcommand = app.add_subcommand(command->name, command->help);
		commands[subcommand] = {command, command->add_options(*subcommand)};
	}
	app.require_subcommand(1);

	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		int code = app.exit(e); /* prints help, the version, or the usage error */
		if (code == 0)
			return 0;
		if (ArgvWantsJson(argc, argv)) {
			nlohmann::json doc = {{"command", nullptr},
			                      {"ok", false},
			                      {"exit_code", static_cast<int>(kExitUsage)},
			                      {"error", {{"message", e.what()}}}};
			std::cout << doc.dump(2) << std::endl;
		}
		return kExitUsage;
	}
	HidePasswordsInArgv(argc, argv, global.dbs);
	global.format = format == "json" ? Format::kJson : Format::kText;
	if (!global.dbs.empty())
		global.db = global.dbs.back();

	Output out(global);
	const auto &[command, run] = commands.at(app.get_subcommands().front());
	out.Doc()["command"] = command->name;
	return RunGuarded(out, [&, command = command, run = run]() -> int {
		/* several --db, or --targets: deploy only (deploy_many.cpp) */
		if (command->many_databases == ManyDatabases::kRefused && ManyDatabasesAsked(global))
			throw Failure(kExitUsage, "several databases (--db given twice, --targets) work with deploy only");
		return run(global, out);
	});
}

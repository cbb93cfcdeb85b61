/*
 * main.cpp — pg_migrate's command line (CLI11): options, dispatch, and the
 * single place where errors become exit codes and messages.
 */
#include "commands.hpp"
#include "connection.hpp"
#include "conninfo.hpp"
#include "exit_codes.hpp"
#include "options.hpp"
#include "output.hpp"
#include "session.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string_view>

using namespace pgmigrate::client;

namespace {

/* SKIP_INDEX_MIGRATIONS=true (the dual schema/index deploy convention) */
bool
EnvFlag(const char *name)
{
	const char *value = std::getenv(name);
	if (value == nullptr)
		return false;
	std::string v = value;
	std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
	return v == "true" || v == "1" || v == "yes" || v == "on";
}

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

} // namespace

int
main(int argc, char **argv)
{
	GlobalOptions global;
	NewOptions new_options;
	DeployOptions deploy_options;
	HistoryOptions history_options;
	DiffOptions diff_options;
	LintOptions lint_options;
	DriftOptions drift_options;
	RollbackOptions rollback_options;
	VerifyOptions verify_options;
	ResolveOptions resolve_options;
	VersionTargetOptions baseline_options, repair_options;
	VersionOptions version_options;
	ResetOptions reset_options;
	AdoptOptions adopt_options;
	TestOptions test_options;
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
	    ->check(CLI::IsMember({"native", "prisma", "flyway", "drizzle", "golang-migrate"}));
	app.add_option("--format", format, "output format: text or json")->check(CLI::IsMember({"text", "json"}));
	app.add_flag("-q,--quiet", global.quiet, "print errors only");
	app.add_flag("-v,--verbose", global.verbose, "print connection details and server notices");

	CLI::App *install = app.add_subcommand("install", "create the pg_migrate extension, or update it");
	CLI::App *create = app.add_subcommand("new", "write <UTC timestamp>_<NAME>.sql from a template");
	create->add_option("NAME", new_options.name, "migration name, e.g. add_users")->required();
	create->add_option("--stream", new_options.stream, "stream of the new migration (default: the first --dir's)");
	CLI::App *push = app.add_subcommand("push", "upload new and changed migration files, apply nothing");
	CLI::App *deploy = app.add_subcommand("deploy", "upload new and changed files, then apply pending migrations");
	deploy->add_option("--stream", deploy_options.streams, "apply only this stream (repeatable)")
	    ->take_all()
	    ->allow_extra_args(false);
	deploy->add_option("--skip-stream", deploy_options.skip_streams, "do not apply this stream (repeatable)")
	    ->take_all()
	    ->allow_extra_args(false);
	deploy->add_option("--target", deploy_options.target, "apply up to this version");
	deploy->add_flag("--dry-run", deploy_options.dry_run, "run the migrations and roll them back");
	deploy->add_flag("--no-wait", deploy_options.no_wait, "do not wait for the background runner");
	deploy
	    ->add_option("--backup", deploy_options.backup_dir,
	                 "pg_dump -Fc into DIR/<database>-<UTC timestamp>.dump before anything pending is applied")
	    ->type_name("DIR");
	deploy->add_flag("--accept-drift", deploy_options.accept_drift,
	                 "record the schema as it is now as the new baseline before applying (history: accept-drift)");
	deploy->add_flag("--include-server-only", deploy_options.include_server_only,
	                 "also apply pending migrations registered on the server that are in none of the files");
	CLI::App *status = app.add_subcommand("status", "registered migrations and their state, per stream");
	CLI::App *history = app.add_subcommand("history", "newest entries of the migration history");
	history->add_option("--limit", history_options.limit, "number of entries (default 50)")
	    ->check(CLI::NonNegativeNumber);
	CLI::App *lint = app.add_subcommand("lint", "lint migration files with the server's parser (exit 4 on errors)");
	lint->add_option("FILE", lint_options.files, "migration files to lint")->required();
	CLI::App *drift = app.add_subcommand("drift", "DDL run outside pg_migrate, or --ack ID to acknowledge one entry");
	drift->add_flag("--all", drift_options.all, "also list acknowledged entries");
	drift->add_option("--ack", drift_options.ack, "acknowledge the drift entry with this id");
	CLI::App *rollback = app.add_subcommand("rollback", "run down sections, newest first, in one transaction");
	rollback->add_option("--stream", rollback_options.stream, "stream to roll back (default schema)");
	CLI::Option *to = rollback->add_option("--to", rollback_options.to_version, "keep version V, undo the newer ones");
	CLI::Option *steps = rollback->add_option("--steps", rollback_options.steps, "undo N migrations (default 1)")
	                         ->check(CLI::PositiveNumber);
	CLI::Option *to_db = rollback->add_option("--to-db-version", rollback_options.to_db_version,
	                                          "undo, in every stream, what was applied after database version X");
	CLI::Option *all = rollback->add_flag("--all", rollback_options.all, "undo every applied migration of the stream");
	to->excludes(steps)->excludes(to_db)->excludes(all);
	steps->excludes(to_db)->excludes(all);
	to_db->excludes(all);
	CLI::App *verify =
	    app.add_subcommand("verify", "run the verify sections of applied migrations (exit 1 on failure)");
	verify->add_option("--stream", verify_options.stream, "only this stream");
	CLI::App *validate = app.add_subcommand("validate", "list every problem migrate.validate() finds (exit 4 if any)");
	CLI::App *diff =
	    app.add_subcommand("diff", "what differs between the recorded schema state and the database (exit 4 if any)");
	diff->add_flag("--against-folder", diff_options.against_folder,
	               "compare with the schema the folders produce (a scratch database on the server; needs CREATEDB)");
	CLI::App *resolve = app.add_subcommand("resolve", "mark a migration applied or rolled back without running it");
	CLI::Option *resolve_applied =
	    resolve->add_option("--applied", resolve_options.applied, "version (or file name) applied by hand");
	resolve->add_option("--rolled-back", resolve_options.rolled_back, "version (or file name) of a cleaned-up attempt")
	    ->excludes(resolve_applied);
	resolve->add_option("--stream", resolve_options.stream, "stream (default: the file's, else schema)");
	CLI::App *baseline = app.add_subcommand("baseline", "mark every migration up to V applied without running it");
	baseline->add_option("V", baseline_options.version, "version")->required();
	baseline->add_option("--stream", baseline_options.stream, "stream (default: the file's, else schema)");
	CLI::App *repair = app.add_subcommand("repair", "record the edited file of an applied migration, running nothing");
	repair->add_option("V", repair_options.version, "version")->required();
	repair->add_option("--stream", repair_options.stream, "stream (default: the file's)");
	CLI::App *version =
	    app.add_subcommand("version", "database version, extension, client and server versions, applied count");
	version->add_option("--check", version_options.checks, "COMPONENT=VERSION: exit 4 unless compatible (repeatable)")
	    ->take_all()
	    ->allow_extra_args(false);
	CLI::App *reset = app.add_subcommand("reset", "development only: roll every stream back, then deploy again");
	reset->add_flag("--yes", reset_options.yes, "yes, roll back everything in this database");
	CLI::App *adopt =
	    app.add_subcommand("adopt", "switch from another tool: mark what its history table applied, running nothing");
	adopt->add_option("--from", adopt_options.from, "the tool: prisma, flyway, dbmate, drizzle, golang-migrate")
	    ->required()
	    ->check(CLI::IsMember({"prisma", "flyway", "dbmate", "drizzle", "golang-migrate"}));
	adopt->add_option("--table", adopt_options.table,
	                  "its history table, if not the default (_prisma_migrations, flyway_schema_history, "
	                  "schema_migrations, drizzle.__drizzle_migrations)");
	CLI::App *test = app.add_subcommand(
	    "test", "check the history in scratch databases (round trips, verify, reruns, lint), run tests/migrations");
	test->add_option("--tests", test_options.tests_dir, "folder of sql/, expected/, specs/ (default tests/migrations)");
	test->add_flag("--keep", test_options.keep, "keep the scratch databases of failed checks (names printed)");
	test->add_flag("--no-roundtrip", test_options.no_roundtrip, "do not check down sections by a down/up round trip");
	test->add_flag("--accept", test_options.accept, "write expected/NAME.out from the results of tests that differ");
	test->add_option("--pg-regress", test_options.pg_regress, "pg_regress to use (default: looked up, see README)");
	test->add_option("--apply-through", test_options.apply_through)->group(""); /* run by a user test's psql */
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
	/* several --db, or --targets: deploy only (deploy_many.cpp) */
	bool many = global.dbs.size() > 1 || !global.targets.empty();
	if (EnvFlag("SKIP_INDEX_MIGRATIONS"))
		deploy_options.skip_streams.push_back("index");

	Output out(global);
	CLI::App *command = app.get_subcommands().front();
	out.Doc()["command"] = command->get_name();
	return RunGuarded(out, [&]() -> int {
		if (command == install)
			return RunInstall(global, out);
		if (command == create)
			return RunNew(global, new_options, out);
		if (command == push)
			return RunPush(global, out);
		if (command == deploy)
			return many ? RunDeployMany(global, deploy_options, out) : RunDeploy(global, deploy_options, out);
		if (many)
			throw Failure(kExitUsage, "several databases (--db given twice, --targets) work with deploy only");
		if (command == status)
			return RunStatus(global, out);
		if (command == history)
			return RunHistory(global, history_options, out);
		if (command == lint)
			return RunLint(global, lint_options, out);
		if (command == drift)
			return RunDrift(global, drift_options, out);
		if (command == rollback)
			return RunRollback(global, rollback_options, out);
		if (command == verify)
			return RunVerify(global, verify_options, out);
		if (command == diff)
			return RunDiff(global, diff_options, out);
		if (command == validate)
			return RunValidate(global, out);
		if (command == resolve)
			return RunResolve(global, resolve_options, out);
		if (command == baseline)
			return RunBaseline(global, baseline_options, out);
		if (command == repair)
			return RunRepair(global, repair_options, out);
		if (command == version)
			return RunVersion(global, version_options, out);
		if (command == reset)
			return RunReset(global, reset_options, out);
		if (command == test)
			return RunTest(global, test_options, out);
		if (command == adopt)
			return RunAdopt(global, adopt_options, out);
		throw Failure(kExitUsage, "unknown command");
	});
}

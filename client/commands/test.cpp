/*
 * test.cpp — `pg_migrate test`: what every team gets without writing a test,
 * and the tests it writes, all in scratch databases on the server the URL
 * names (the URL's database itself is only used to create and drop them):
 *
 *   history    the whole history applies from empty, as deploy would; its
 *              fingerprint is printed
 *   walk       migration by migration: apply, verify, down/up round trip,
 *              no-transaction reruns (testing/walk.hpp)
 *   lint       the server's lint of every file, and what apply() reported
 *   test/spec  tests/migrations: pg_regress and isolation files (testing/user_tests.hpp)
 *
 * One line per check, then "N passed, N failed"; exit 0 when nothing
 * failed, 1 otherwise. --keep keeps the scratch databases of failed checks.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lint_findings.hpp"
#include "session.hpp"
#include "testing/history_plan.hpp"
#include "testing/prefix_cache.hpp"
#include "testing/report.hpp"
#include "testing/scratch.hpp"
#include "testing/user_tests.hpp"
#include "testing/walk.hpp"
#include "upload.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <tuple>

namespace pgmigrate::client {

namespace {

/* test: checks of the folders' history and the team's tests, in scratch databases */
struct TestOptions {
	std::string tests_dir = "tests/migrations"; /* sql/, expected/, specs/ */
	bool keep = false;                          /* keep the scratch databases of failed checks */
	bool no_roundtrip = false;                  /* skip down/up round trips */
	bool accept = false;                        /* write expected files from the results */
	std::string pg_regress;                     /* empty: looked up */
	std::string apply_through; /* internal: the apply step a user test's psql runs (STREAM:VERSION or none) */
};

void
AddTestOptions(CLI::App &command, TestOptions &options)
{
	command.add_option("--tests", options.tests_dir, "folder of sql/, expected/, specs/ (default tests/migrations)");
	command.add_flag("--keep", options.keep, "keep the scratch databases of failed checks (names printed)");
	command.add_flag("--no-roundtrip", options.no_roundtrip, "do not check down sections by a down/up round trip");
	command.add_flag("--accept", options.accept, "write expected/NAME.out from the results of tests that differ");
	command.add_option("--pg-regress", options.pg_regress, "pg_regress to use (default: looked up, see README)");
	command.add_option("--apply-through", options.apply_through)->group(""); /* run by a user test's psql */
}

} // namespace

using namespace testing;

namespace {

/* Registers every file in the base database: the server parses and stores them as a deploy would. */
std::vector<PlannedMigration>
RegisterAll(Connection &conn, const std::vector<MigrationFile> &files, Output &out)
{
	ServerVersions server;
	std::vector<RemoteMigration> remote = ReadRemote(conn, files, &server);
	Register(conn, ChangedFiles(files, remote), remote, server, out);
	return ReadPlan(conn, files);
}

/* The whole history in one go, as pg_migrate deploy would apply it to an empty database. */
void
CheckHistory(ScratchServer &server, const std::string &base, const std::vector<PlannedMigration> &plan, Report &report,
             Output &out)
{
	std::string db = server.Create("history", base);
	Outcome o{"history", std::to_string(plan.size()) + " migrations from empty", "", Status::kPassed, "", "", ""};
	try {
		Connection conn = server.Open(db);
		ApplyRange(conn, plan, 0, plan.size());
		std::string fingerprint = conn.Exec("SELECT migrate.fingerprint()").Get(0, 0);
		out.Doc()["fingerprint"] = fingerprint;
		o.message = "fingerprint " + fingerprint;
	} catch (const StepFailed &f) {
		o.status = Status::kFailed;
		o.message = "migration " + f.stream + " " + f.version + "_" + f.name + " fails";
		o.details = f.PsqlText();
		server.MarkFailing(db);
		for (const std::string &k : server.Kept())
			if (k == db)
				o.database = db;
	}
	if (o.database.empty())
		server.Drop(db);
	report.Add(o);
}

/* migrate.lint() of every file (what the files say), plus what apply() reported on the way (what it saw). */
void
CheckLint(std::vector<LintFinding> findings, const std::vector<LintFinding> &from_apply,
          const std::vector<MigrationFile> &files, Report &report)
{
	std::set<std::tuple<std::string, int, std::string>> seen;
	for (const LintFinding &f : findings)
		seen.insert({f.file, f.line, f.rule});
	for (const LintFinding &f : from_apply)
		if (seen.insert({f.file, f.line, f.rule}).second)
			findings.push_back(f);
	int errors = 0, warnings = 0;
	std::string details;
	for (const LintFinding &f : findings) {
		if (f.allowed)
			continue;
		(f.severity == "error" ? errors : warnings)++;
		details += LintText(f) + "\n";
	}
	report.Add({"lint", std::to_string(files.size()) + " files", "", errors > 0 ? Status::kFailed : Status::kPassed,
	            std::to_string(errors) + " errors, " + std::to_string(warnings) + " warnings", details, ""});
}

} // namespace

int
RunTest(const GlobalOptions &global, const TestOptions &options, Output &out)
{
	if (!options.apply_through.empty()) {
		Connection conn = OpenSession(global, out);
		return RunApplyStep(conn, options.apply_through);
	}
	auto started = std::chrono::steady_clock::now();
	std::vector<MigrationFile> files;
	Connection admin = ConnectWhileLoading(global, out, &files, "SELECT current_database()");
	admin.TakeEarly();
	ScratchServer server(std::move(admin), options.keep, out);
	Report report(out);

	std::string base = server.Create("base");
	std::vector<PlannedMigration> plan;
	std::vector<LintFinding> lint;
	{
		Connection conn = server.Open(base);
		plan = RegisterAll(conn, files, out);
		std::vector<const MigrationFile *> all;
		for (const MigrationFile &f : files)
			all.push_back(&f);
		lint = LintRegistered(conn, all);
	}
	/* PG_MIGRATE_TEST_NO_TEMPLATES=1 builds every database from empty: for measuring what the templates save */
	const char *no_templates = std::getenv("PG_MIGRATE_TEST_NO_TEMPLATES");
	PrefixCache prefixes(server, plan, base, no_templates == nullptr || std::string(no_templates) != "1");

	CheckHistory(server, base, plan, report, out);
	std::vector<LintFinding> lint_from_apply;
	WalkOptions walk;
	walk.roundtrip = !options.no_roundtrip;
	Walk(server, prefixes, plan, files, walk, report, &lint_from_apply);
	CheckLint(lint, lint_from_apply, files, report);

	UserTestOptions user;
	user.tests_dir = options.tests_dir;
	user.pg_regress = options.pg_regress;
	user.accept = options.accept;
	if (std::filesystem::is_directory(options.tests_dir))
		RunUserTests(server, prefixes, plan, user, report);

	double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
	report.Finish(server.Kept(), seconds);
	if (report.Failed() == 0)
		return kExitOk;
	throw Failure(kExitFailed,
	              std::to_string(report.Failed()) + (report.Failed() == 1 ? " check" : " checks") + " failed");
}

const Command kTestCommand = {
    "test", "check the history in scratch databases (round trips, verify, reruns, lint), run tests/migrations",
    WithOptions<TestOptions, AddTestOptions, RunTest>, ManyDatabases::kRefused};

} // namespace pgmigrate::client

/*
 * deploy_many.cpp — `pg_migrate deploy` to several databases: --db given more
 * than once and/or --targets FILE (one connection string per line, blank
 * lines and lines starting with # skipped), --jobs N at a time.
 *
 * The folders are read and checked once, before any database is touched: a
 * bad file is exit 2 with nothing deployed anywhere. Then each database gets
 * exactly the deploy a single --db would (RunDeploy), on a thread of its own
 * with its own libpq connection and its own Output, whose lines are captured
 * and printed under the database's name once it is done; threads share no
 * libpq state. The result is one row per database (password masked): outcome,
 * migrations applied, exit code, error. The exit code is the highest of the
 * databases' (so 3 — cannot connect — outranks 1 — a migration failed).
 */
#include "commands.hpp"

#include "conninfo.hpp"
#include "exit_codes.hpp"
#include "folder.hpp"
#include "session.hpp"
#include "strings.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

namespace pgmigrate::client {

namespace {

struct TargetResult {
	std::string target;   /* as given: may hold a password, never printed */
	std::string database; /* the target with its password masked */
	int exit_code = kExitOk;
	std::string outcome;
	long applied = 0;
	std::string error;
	std::string log; /* what the deploy printed */
	nlohmann::json doc = nlohmann::json::object();
};

/* Every --db, then the lines of --targets. */
std::vector<std::string>
Targets(const GlobalOptions &global)
{
	std::vector<std::string> targets = global.dbs;
	if (global.targets.empty())
		return targets;
	std::ifstream file(global.targets);
	if (!file)
		throw Failure(kExitUsage, "--targets " + global.targets + ": cannot read the file");
	std::string line;
	while (std::getline(file, line)) {
		line = Trim(line);
		if (!line.empty() && line[0] != '#')
			targets.push_back(line);
	}
	if (targets.empty())
		throw Failure(kExitUsage, "--targets " + global.targets + ": no connection string in it");
	return targets;
}

/* Reads and checks the folders once for every database; exit 2 before touching any. */
void
CheckFolders(const GlobalOptions &global, Output &out)
{
	FolderContents contents = ReadFolders(ParseDirSpecs(global.dirs, global.layout));
	PrintFolderWarnings(contents, out);
	if (contents.problems.empty())
		return;
	nlohmann::json problems = nlohmann::json::array();
	for (const FileProblem &p : contents.problems) {
		out.Error(p.ToString());
		problems.push_back({{"file", p.path}, {"message", p.message}});
	}
	throw Failure(kExitUsage,
	              std::to_string(contents.problems.size()) +
	                  " problem(s) in the migration folders; nothing was deployed to any database",
	              {{"problems", problems}});
}

std::string
FirstLine(const std::string &text)
{
	return text.substr(0, text.find('\n'));
}

const char *
OutcomeFor(int exit_code)
{
	switch (exit_code) {
	case kExitFailed:
		return "failed";
	case kExitUsage:
		return "bad input";
	case kExitConnect:
		return "cannot connect";
	case kExitValidation:
		return "refused";
	default:
		return "error";
	}
}

/* One database's deploy, as main() would run it alone; every error becomes its exit code and message. */
void
DeployOne(const GlobalOptions &global, const DeployOptions &options, TargetResult *result)
{
	GlobalOptions one = global;
	one.db = result->target;
	one.dbs.clear();
	one.targets.clear();
	Output out(one);
	out.CaptureTo(&result->log);
	out.Doc()["command"] = "deploy";
	try {
		result->exit_code = RunDeploy(one, options, out);
	} catch (const Failure &f) {
		result->exit_code = f.exit_code;
		result->error = f.what();
	} catch (const SqlError &e) {
		result->exit_code = e.connection_lost ? static_cast<int>(kExitConnect) : ExitCodeForSqlState(e.sqlstate);
		result->error = SqlErrorText(e);
	} catch (const std::exception &e) {
		result->exit_code = kExitFailed;
		result->error = e.what();
	}
	result->doc = out.Doc();
	for (const nlohmann::json &row : result->doc.value("applied", nlohmann::json::array()))
		if (row.value("outcome", "") == "applied")
			result->applied++;
	if (result->exit_code == kExitConnect && result->error.rfind("extension pg_migrate is not installed", 0) == 0)
		result->outcome = "no extension";
	else if (result->exit_code != kExitOk)
		result->outcome = OutcomeFor(result->exit_code);
	else if (result->doc.value("dry_run", false))
		result->outcome = "dry run";
	else if (result->doc.value("nothing_to_do", false))
		result->outcome = "up to date";
	else
		result->outcome = "deployed";
	result->error = Scrub(FirstLine(result->error), result->target);
	result->log = Scrub(result->log, result->target);
}

} // namespace

int
RunDeployMany(const GlobalOptions &global, const DeployOptions &options, Output &out)
{
	std::vector<std::string> targets = Targets(global);
	CheckFolders(global, out);

	std::vector<TargetResult> results(targets.size());
	for (std::size_t i = 0; i < targets.size(); i++) {
		results[i].target = targets[i];
		results[i].database = MaskPassword(targets[i]);
	}
	std::size_t jobs = std::min<std::size_t>(static_cast<std::size_t>(std::max(global.jobs, 1)), targets.size());
	out.Note("deploying to " + std::to_string(targets.size()) + " databases, " + std::to_string(jobs) + " at a time");
	std::atomic<std::size_t> next{0};
	std::mutex print;
	auto worker = [&] {
		for (std::size_t i = next++; i < results.size(); i = next++) {
			DeployOne(global, options, &results[i]);
			std::lock_guard<std::mutex> lock(print);
			const TargetResult &r = results[i];
			/* -q keeps what went wrong: a failed database's lines are errors */
			std::string text = "== " + r.database + ": " + r.outcome + (r.log.empty() ? "" : "\n" + r.log);
			if (r.exit_code == kExitOk)
				out.Note(text);
			else
				out.Error(text);
		}
	};
	std::vector<std::thread> threads;
	for (std::size_t j = 0; j < jobs; j++)
		threads.emplace_back(worker);
	for (std::thread &t : threads)
		t.join();

	Table table;
	table.headers = {"database", "outcome", "applied", "exit", "error"};
	table.right_aligned = {false, false, true, true, false};
	nlohmann::json rows = nlohmann::json::array();
	int worst = kExitOk;
	std::size_t failed = 0;
	std::string failed_names;
	for (const TargetResult &r : results) {
		table.rows.push_back({r.database, r.outcome, std::to_string(r.applied), std::to_string(r.exit_code), r.error});
		nlohmann::json row = {{"database", r.database}, {"ok", r.exit_code == kExitOk}, {"exit_code", r.exit_code},
		                      {"outcome", r.outcome},   {"applied_count", r.applied},   {"result", r.doc}};
		row["error"] = r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error);
		rows.push_back(row);
		worst = std::max(worst, r.exit_code);
		if (r.exit_code != kExitOk) {
			failed++;
			failed_names += (failed_names.empty() ? "" : ", ") + r.database;
		}
	}
	out.Doc()["targets"] = rows;
	out.Doc()["failed"] = failed;
	out.Print(table.Render());
	if (failed > 0)
		throw Failure(worst, std::to_string(failed) + " of " + std::to_string(results.size()) +
		                         " databases not deployed: " + failed_names);
	out.Note("all " + std::to_string(results.size()) + " databases deployed");
	return kExitOk;
}

} // namespace pgmigrate::client

/* user_tests.cpp — see user_tests.hpp. */
#include "user_tests.hpp"

#include "child.hpp"
#include "folder.hpp"
#include "managed_calls.hpp"
#include "output.hpp"
#include "pg_regress_lookup.hpp"
#include "test_header.hpp"
#include "strings.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sys/stat.h>

namespace pgmigrate::client::testing {

namespace fs = std::filesystem;

namespace {

const char *const kApplyLine = "\\! \"$PG_MIGRATE_TEST_APPLY\"";

std::string
ReadAll(const std::string &path)
{
	std::string content, error;
	ReadFileBytes(path, &content, &error);
	return content;
}

void
WriteAll(const std::string &path, const std::string &content)
{
	fs::create_directories(fs::path(path).parent_path());
	std::ofstream(path, std::ios::binary) << content;
}

std::string
ShellQuoted(const std::string &value)
{
	std::string q = "'";
	for (char c : value)
		q += c == '\'' ? std::string("'\\''") : std::string(1, c);
	return q + "'";
}

/* The user's file with the apply line after the marker (or, without one, after the header). */
std::string
WithApplyLine(const std::string &content, int header_line)
{
	std::string out;
	bool marker = false;
	std::vector<std::string> lines = SplitLines(content);
	for (const std::string &l : lines)
		marker = marker || Trim(l) == "-- migrate:apply";
	for (std::size_t i = 0; i < lines.size(); i++) {
		out += lines[i] + "\n";
		bool here = marker ? Trim(lines[i]) == "-- migrate:apply" : static_cast<int>(i + 1) == header_line;
		if (here)
			out += std::string(kApplyLine) + "\n";
	}
	if (!marker && header_line == 0)
		out = std::string(kApplyLine) + "\n" + out;
	return out;
}

/* A spec with each "-- migrate:step STREAM:VERSION" replaced by that migration's up section (as registered). */
std::string
WithMigrationSteps(Connection &conn, const std::vector<PlannedMigration> &plan, const std::string &content)
{
	const std::string marker = "-- migrate:step ";
	std::string out = content;
	for (std::size_t at = out.find(marker); at != std::string::npos; at = out.find(marker, at)) {
		std::size_t begin = out.find_first_not_of(" \t", at + marker.size());
		std::size_t end = out.find_first_of(" \t\r\n}", begin);
		std::string which = out.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
		const PlannedMigration &m = plan[PrefixEnd(plan, which) - 1];
		Result up = conn.Exec("SELECT up_sql FROM migrate.migrations WHERE stream = $1 AND version = $2",
		                      {m.stream, m.version});
		std::string sql = Trim(up.Get(0, 0));
		out.replace(at, (end == std::string::npos ? out.size() : end) - at, sql);
		at += sql.size();
	}
	return out;
}

/* The settings pg_regress gives the databases it creates, so output does not depend on the server's defaults. */
void
RegressSettings(Connection &conn, const std::string &db)
{
	for (const char *setting : {"lc_messages", "lc_monetary", "lc_numeric", "lc_time"}) {
		try {
			conn.Exec("ALTER DATABASE \"" + db + "\" SET " + setting + " TO 'C'");
		} catch (const SqlError &) {
			/* lc_messages needs superuser: the server's own setting stays */
		}
	}
	conn.Exec("ALTER DATABASE \"" + db + "\" SET bytea_output TO 'hex'");
	conn.Exec("ALTER DATABASE \"" + db + "\" SET timezone_abbreviations TO 'Default'");
}

struct TestFile {
	std::string name, path, kind; /* kind: test (sql) or spec */
};

std::vector<TestFile>
Discover(const std::string &tests_dir)
{
	std::vector<TestFile> found;
	for (const auto &[sub, ext, kind] :
	     {std::tuple<const char *, const char *, const char *>{"sql", ".sql", "test"}, {"specs", ".spec", "spec"}}) {
		std::error_code ec;
		std::vector<TestFile> part;
		for (const fs::directory_entry &e : fs::directory_iterator(fs::path(tests_dir) / sub, ec))
			if (e.path().extension() == ext && e.path().filename().string()[0] != '.')
				part.push_back(
				    {e.path().stem().string(), JoinPath(JoinPath(tests_dir, sub), e.path().filename()), kind});
		std::sort(part.begin(), part.end(), [](const TestFile &a, const TestFile &b) { return a.name < b.name; });
		found.insert(found.end(), part.begin(), part.end());
	}
	return found;
}

class TestRunner {
public:
	TestRunner(ScratchServer &server, PrefixCache &prefixes, const std::vector<PlannedMigration> &plan,
	           const UserTestOptions &options, RegressPrograms programs, std::string work)
	    : server_(server), prefixes_(prefixes), plan_(plan), options_(options), programs_(std::move(programs)),
	      work_(std::move(work))
	{}

	Outcome
	Run(const TestFile &t)
	{
		Outcome o{t.kind, t.name, t.path, Status::kPassed, "", "", ""};
		std::string program = t.kind == "test" ? programs_.pg_regress : programs_.pg_isolation_regress;
		if (program.empty())
			return Fail(o, std::string(t.kind == "test" ? "pg_regress" : "pg_isolation_regress") +
			                   " not found (looked in " + programs_.looked +
			                   "); install postgresql-client-NN (Debian/Ubuntu) or give --pg-regress PATH");
		std::string content = ReadAll(t.path);
		TestHeader header;
		std::size_t before = 0, after = plan_.size();
		try {
			header = ParseTestHeader(content, t.kind == "test" ? "--" : "#");
			if (header.before)
				before = PrefixEnd(plan_, *header.before);
			if (header.after)
				after = PrefixEnd(plan_, *header.after);
		} catch (const std::runtime_error &e) {
			return Fail(o, e.what());
		}
		if (after < before)
			return Fail(o, "after=" + *header.after + " comes before before=" + header.before.value_or(""));

		std::string db;
		try {
			db = prefixes_.NewDatabaseAt(before, t.kind + "_" + t.name);
		} catch (const StepFailed &f) {
			return Fail(o,
			            "the history does not apply up to before=" + header.before.value_or("") + ": " + f.PsqlText());
		}
		std::string dir = work_ + "/" + t.kind + "_" + t.name;
		fs::create_directories(dir);
		fs::path expected_dir = fs::absolute(fs::path(options_.tests_dir) / "expected");
		fs::create_symlink(expected_dir, fs::path(dir) / "expected");
		{
			Connection conn = server_.Open(db);
			RegressSettings(conn, db);
			if (t.kind == "test")
				WriteAll(dir + "/sql/" + t.name + ".sql", WithApplyLine(content, header.line));
			else
				WriteAll(dir + "/specs/" + t.name + ".spec", WithMigrationSteps(conn, plan_, content));
		}
		std::string script = dir + "/apply.sh";
		std::string through = after == 0 ? "none" : plan_[after - 1].stream + ":" + plan_[after - 1].version;
		WriteAll(script, "#!/bin/sh\nexec " + ShellQuoted(SelfPath()) + " --db " + ShellQuoted(server_.Conninfo(db)) +
		                     " test --apply-through " + ShellQuoted(through) + "\n");
		chmod(script.c_str(), 0700);
		setenv("PG_MIGRATE_TEST_APPLY", script.c_str(), 1);

		ChildResult r = RunChild({program, "--use-existing", "--dbname=" + db, "--host=" + server_.Host(),
		                          "--port=" + server_.Port(), "--user=" + server_.User(), "--inputdir=" + dir,
		                          "--outputdir=" + dir, t.name});
		std::string results = dir + "/results/" + t.name + ".out";
		std::string diffs = ReadAll(dir + "/regression.diffs");
		if (fs::exists(results))
			WriteAll(options_.tests_dir + "/results/" + t.name + ".out", ReadAll(results));
		bool passed = r.exit_code == 0;
		if (options_.accept && fs::exists(results) && !passed) {
			WriteAll(options_.tests_dir + "/expected/" + t.name + ".out", ReadAll(results));
			o.message = "expected/" + t.name + ".out written from the results (--accept)";
		} else if (!passed) {
			std::ofstream(options_.tests_dir + "/regression.diffs", std::ios::app) << diffs;
			o.status = Status::kFailed;
			bool no_expected = !fs::exists(expected_dir / (t.name + ".out"));
			o.message = no_expected
			                ? "no expected/" + t.name + ".out yet; pg_migrate test --accept writes it from results/" +
			                      t.name + ".out"
			                : "the output differs from expected/" + t.name + ".out (" +
			                      fs::path(program).filename().string() + " exit " + std::to_string(r.exit_code) + ")";
			o.details = diffs.empty() ? r.output : diffs;
			server_.MarkFailing(db);
			for (const std::string &k : server_.Kept())
				if (k == db)
					o.database = db;
		}
		if (o.database.empty())
			server_.Drop(db);
		return o;
	}

private:
	Outcome
	Fail(Outcome o, const std::string &message)
	{
		o.status = Status::kFailed;
		o.message = message;
		return o;
	}

	ScratchServer &server_;
	PrefixCache &prefixes_;
	const std::vector<PlannedMigration> &plan_;
	const UserTestOptions &options_;
	RegressPrograms programs_;
	std::string work_;
};

} // namespace

void
RunUserTests(ScratchServer &server, PrefixCache &prefixes, const std::vector<PlannedMigration> &plan,
             const UserTestOptions &options, Report &report)
{
	std::vector<TestFile> tests = Discover(options.tests_dir);
	if (tests.empty())
		return;
	std::error_code ec;
	fs::remove(fs::path(options.tests_dir) / "regression.diffs", ec);
	char work_template[] = "/tmp/pg_migrate_test.XXXXXX";
	const char *tmp = std::getenv("TMPDIR");
	std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/pg_migrate_test.XXXXXX";
	std::vector<char> buffer(pattern.begin(), pattern.end());
	buffer.push_back('\0');
	std::string work = mkdtemp(buffer.data()) != nullptr ? buffer.data() : work_template;
	TestRunner runner(server, prefixes, plan, options, FindRegressPrograms(options.pg_regress, server.ServerMajor()),
	                  work);
	for (const TestFile &t : tests)
		report.Add(runner.Run(t));
	fs::remove_all(work, ec);
}

int
RunApplyStep(Connection &conn, const std::string &through)
{
	/* a scratch database with the managed catalog: the client's engine applies, as in the walk */
	if (engine::HasManagedCatalog(conn))
		conn.SetManaged(true);
	std::vector<PlannedMigration> plan = ReadPlan(conn, {});
	std::set<std::pair<std::string, std::string>> applied;
	Result state = ReadStatus(conn);
	for (int r = 0; r < state.Rows(); r++)
		if (state.Get(r, kStatusState) == "applied")
			applied.insert({state.Get(r, kStatusStream), state.Get(r, kStatusVersion)});
	std::size_t from = 0;
	while (from < plan.size() && applied.count({plan[from].stream, plan[from].version}) > 0)
		from++;
	std::size_t to = through == "none" ? from : PrefixEnd(plan, through);
	try {
		Table table;
		table.headers = {"stream", "version", "name", "outcome"};
		table.right_aligned = {false, false, false, false};
		for (const AppliedRow &row : ApplyRange(conn, plan, from, std::max(from, to)))
			table.rows.push_back({row.stream, row.version, row.name, row.outcome});
		std::cout << table.Render() << "\n" << std::flush;
	} catch (const StepFailed &f) {
		std::cout << f.PsqlText() << std::flush;
	}
	return 0;
}

} // namespace pgmigrate::client::testing

/*
 * lint.cpp — `pg_migrate lint FILE...`: migrate.lint() over each file, on
 * one connection, one parameterized statement per file (so a file the
 * server's parser refuses is reported on its own and the others still get
 * linted).
 *
 * Exit: 2 when a file cannot be read or is not a valid migration script;
 * else 4 when a finding has severity error and the file does not acknowledge
 * it with -- migrate:allow (or another linter's suppression comment the
 * server recognizes, catalog 0.1.5); else 0. An error the connected
 * database would let pass (its tables are empty or new) still counts: the
 * file is linted, not the database; such errors are marked
 * "[not blocking here]" (JSON: "blocks_here": false).
 *
 * --engine client runs the same lint inside the client instead
 * (client/engine/client_lint.hpp): libpg_query's parser (PostgreSQL 15's
 * grammar) and pg_catalog queries, so the database needs no extension.
 * A managed database (install --no-extension: no migrate.lint() there) is
 * linted that way too, found as the other commands find it.
 */
#include "commands.hpp"

#include "client_lint.hpp"
#include "exit_codes.hpp"
#include "lint_findings.hpp"
#include "lint_source.hpp"
#include "managed_calls.hpp"
#include "script.hpp"
#include "session.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <tuple>
#include <utility>

namespace pgmigrate::client {

namespace {

struct LintOptions {
	std::vector<std::string> files;
	std::string engine = "server";
};

void
AddLintOptions(CLI::App &command, LintOptions &options)
{
	command.add_option("FILE", options.files, "migration files to lint")->required();
	command
	    .add_option("--engine", options.engine,
	                "server: migrate.lint() of the extension; client: the same lint run inside pg_migrate "
	                "(PostgreSQL 15 grammar, catalog read over the connection; no extension needed)")
	    ->check(CLI::IsMember({"server", "client"}));
}

/* The rows of migrate.lint(script) on the server; allowed and blocks_here come with catalog 0.1.5. */
std::vector<engine::EngineFinding>
ServerLint(Connection &conn, const std::string &script)
{
	/* *: allowed and blocks_here come with catalog 0.1.5, after the six every catalog has */
	Result result = conn.Exec("SELECT * FROM migrate.lint($1)", {script});
	int allowed_column = PQfnumber(result.Raw(), "allowed");
	int blocks_column = PQfnumber(result.Raw(), "blocks_here");
	std::vector<engine::EngineFinding> rows;
	for (int r = 0; r < result.Rows(); r++) {
		engine::EngineFinding f;
		f.statement = result.IsNull(r, 0) ? 0 : std::stoi(result.Get(r, 0));
		f.line = result.IsNull(r, 1) ? 0 : std::stoi(result.Get(r, 1));
		f.rule = result.Get(r, 2);
		f.severity = result.Get(r, 3);
		f.lock_mode = result.Get(r, 4);
		f.message = result.Get(r, 5);
		f.allowed = allowed_column >= 0 && result.Get(r, allowed_column) == "t";
		if (blocks_column >= 0 && !result.IsNull(r, blocks_column))
			f.blocks_here = result.Get(r, blocks_column) == "t";
		rows.push_back(f);
	}
	return rows;
}

} // namespace

namespace {

struct LintFile {
	std::size_t index; /* position on the command line, to report problems in that order */
	std::string path;
	std::string content; /* native: the file; another tool's file: its migration's translated script */
	std::vector<std::string> allow;
	std::string down_path; /* the tool's down file when content holds it */
	int down_first_line = 0;
};

/* path:line of a line of content: lines of a tool's down file are that file's. */
std::pair<std::string, int>
Where(const LintFile &file, int line)
{
	if (file.down_first_line > 0 && line >= file.down_first_line)
		return {file.down_path, line - file.down_first_line + 1};
	return {file.path, line};
}

/* Reads and checks path the way folders are checked (readable, UTF-8, no NUL, script format); false with a problem. */
bool
ReadLintFile(const std::string &path, LintFile *file, std::vector<FileProblem> *problems)
{
	file->path = path;
	std::error_code ec;
	if (std::filesystem::is_directory(path, ec)) {
		problems->push_back({path, 0, "is a directory, not a migration file"});
		return false;
	}
	MigrationFile tool_file;
	std::size_t known_problems = problems->size();
	if (ReadToolFile(path, &tool_file, problems)) {
		if (problems->size() > known_problems)
			return false;
		/* findings name the up file (or the down file for its lines), as deploy's problems do */
		file->path = tool_file.path;
		file->content = tool_file.content;
		file->down_path = tool_file.down_path;
		file->down_first_line = tool_file.down_first_line;
		file->allow = ParseScript(file->content, tool_file.stream).allow;
		return true;
	}
	std::ifstream in(path, std::ios::binary);
	if (!in) {
		problems->push_back({path, 0, std::string("cannot read the file: ") + std::strerror(errno)});
		return false;
	}
	std::ostringstream bytes;
	bytes << in.rdbuf();
	if (in.bad()) {
		problems->push_back({path, 0, "cannot read the file"});
		return false;
	}
	file->content = bytes.str();
	try {
		file->allow = ParseScript(file->content, "schema").allow;
	} catch (const ScriptError &e) {
		problems->push_back({path, e.line, e.what()});
		return false;
	}
	return true;
}

/* The file line of a server syntax error: "line N" in its context, else 0. */
int
ErrorLine(const SqlError &error)
{
	for (const std::string *text : {&error.context, &error.detail}) {
		std::size_t at = text->find("line ");
		if (at != std::string::npos)
			return std::atoi(text->c_str() + at + 5);
	}
	return 0;
}

} // namespace

int
RunLint(const GlobalOptions &global, const LintOptions &options, Output &out)
{
	std::vector<FileProblem> problems;
	std::vector<LintFile> files;
	std::vector<std::size_t> problem_index; /* per problem, its file's position on the command line */
	for (std::size_t i = 0; i < options.files.size(); i++) {
		LintFile file;
		file.index = i;
		if (ReadLintFile(options.files[i], &file, &problems))
			files.push_back(std::move(file));
		problem_index.resize(problems.size(), i);
	}

	std::vector<LintFinding> findings;
	if (!files.empty()) {
		Connection conn = OpenSession(global, out);
		for (const LintFile &file : files) {
			std::vector<engine::EngineFinding> rows;
			try {
				try {
					rows = options.engine == "client" || conn.Managed()
					           ? engine::LintWithClientEngine(conn, file.content)
					           : ServerLint(conn, file.content);
				} catch (const SqlError &e) {
					/* managed mode (no migrate.lint() in the database): the engine the client hosts lints */
					if (options.engine == "client" || conn.Managed() || e.connection_lost ||
					    !engine::SwitchToManaged(conn, e))
						throw;
					rows = engine::LintWithClientEngine(conn, file.content);
				}
			} catch (const SqlError &e) {
				/* the server's parser refused the SQL (42601, ...) or the script (MG002, MG003) */
				if (e.connection_lost || e.sqlstate == "3F000" || e.sqlstate == "42883" || e.sqlstate == "42P01")
					RethrowCatalogError(e, conn);
				std::string message = e.what();
				if (!e.sqlstate.empty())
					message += " (SQLSTATE " + e.sqlstate + ")";
				auto [where, line] = Where(file, ErrorLine(e));
				problems.push_back({where, line, message});
				problem_index.push_back(file.index);
				continue;
			}
			for (const engine::EngineFinding &row : rows) {
				LintFinding f;
				f.statement = row.statement;
				std::tie(f.file, f.line) = Where(file, row.line);
				f.rule = row.rule;
				f.severity = row.severity;
				f.lock_mode = row.lock_mode;
				f.message = row.message;
				f.allowed = std::find(file.allow.begin(), file.allow.end(), f.rule) != file.allow.end() || row.allowed;
				f.blocks_here = row.blocks_here;
				findings.push_back(f);
			}
		}
	}

	int errors = 0, warnings = 0, allowed = 0, passing = 0;
	for (const LintFinding &f : findings) {
		out.Print(LintText(f));
		if (f.allowed)
			allowed++;
		else if (f.severity == "error")
			errors++, passing += f.blocks_here == false ? 1 : 0;
		else
			warnings++;
	}
	out.Doc()["findings"] = LintJson(findings);
	out.Doc()["errors"] = errors;
	out.Doc()["warnings"] = warnings;
	out.Doc()["allowed"] = allowed;
	out.Doc()["errors_not_blocking_here"] = passing;

	std::string summary = std::to_string(options.files.size()) + (options.files.size() == 1 ? " file" : " files") +
	                      ": " + std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") +
	                      std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
	if (allowed > 0)
		summary += ", " + std::to_string(allowed) + " acknowledged with -- migrate:allow";
	if (passing > 0)
		summary += "; " + std::to_string(passing) + (passing == 1 ? " error" : " errors") +
		           " would not block a deploy to this database (the tables are empty or new)";

	if (!problems.empty()) {
		std::vector<std::size_t> order(problems.size());
		for (std::size_t i = 0; i < order.size(); i++)
			order[i] = i;
		std::stable_sort(order.begin(), order.end(),
		                 [&](std::size_t a, std::size_t b) { return problem_index[a] < problem_index[b]; });
		nlohmann::json list = nlohmann::json::array();
		for (std::size_t i : order) {
			const FileProblem &problem = problems[i];
			out.Error(problem.ToString());
			list.push_back({{"file", problem.path},
			                {"line", problem.line > 0 ? nlohmann::json(problem.line) : nlohmann::json(nullptr)},
			                {"message", problem.message}});
		}
		std::size_t n = problems.size();
		throw Failure(kExitUsage,
		              std::to_string(n) + (n == 1 ? " file" : " files") + " could not be linted (" + summary + ")",
		              {{"problems", list}});
	}
	if (errors > 0)
		throw Failure(kExitValidation, "lint: " + summary +
		                                   "; make each change as its message says, or acknowledge a finding "
		                                   "with -- migrate:allow RULE");
	out.Note("lint: " + summary);
	return kExitOk;
}

const Command kLintCommand = {"lint", "lint migration files with the server's parser (exit 4 on errors)",
                              WithOptions<LintOptions, AddLintOptions, RunLint>, ManyDatabases::kRefused};

} // namespace pgmigrate::client

/*
 * The client engine (pg_migrate lint --engine client, issue 16): the
 * extension's lint compiled into the client with libpg_query's parser must
 * find exactly what migrate.lint() finds. Parity runs the whole lint corpus
 * (the cases of sql/lint_corpus.sql against its fixture, the scripts of
 * sql/lint.sql, every migration of examples/) through both, on one
 * connection, and compares every column of every row.
 *
 * libpg_query carries PostgreSQL 15's grammar, and the walk itself reads
 * the major it is compiled for (18's NOT NULL constraints, VIRTUAL
 * columns, their messages): parity is asserted against a server of that
 * same major only, and skipped on others. The engine needs no extension:
 * the command test runs against a database without one, on any major.
 */
#include "harness.hpp"

#include "client_lint.hpp"
#include "connection.hpp"

#include <filesystem>
#include <regex>
#include <sstream>

using pgmigrate::client::Connection;
using pgmigrate::client::Result;
using pgmigrate::client::SqlError;
using pgmigrate::client::engine::ClientEngineGrammarMajor;
using pgmigrate::client::engine::EngineFinding;
using pgmigrate::client::engine::LintWithClientEngine;
using pgmtest::ClientTest;
using pgmtest::ReadFile;
using pgmtest::RunResult;

namespace {

namespace fs = std::filesystem;

fs::path
SourceDir()
{
	return fs::path(__FILE__).parent_path().parent_path().parent_path();
}

/* One finding as a line, every column of migrate.lint() in it. */
std::string
Describe(const EngineFinding &f)
{
	std::ostringstream s;
	s << f.statement << "|" << f.line << "|" << f.rule << "|" << f.severity << "|" << f.lock_mode << "|" << f.message
	  << "|allowed=" << f.allowed << "|blocks_here=" << (f.blocks_here ? (*f.blocks_here ? "t" : "f") : "null");
	return s.str();
}

/* migrate.lint(script) on the server, or its error. */
std::vector<std::string>
ServerLint(Connection &conn, const std::string &script)
{
	std::vector<std::string> rows;
	try {
		Result r = conn.Exec("SELECT statement, line, rule, severity, coalesce(lock_mode, ''), message, allowed, "
		                     "blocks_here FROM migrate.lint($1)",
		                     {script});
		for (int i = 0; i < r.Rows(); i++) {
			EngineFinding f{std::stoi(r.Get(i, 0)),
			                std::stoi(r.Get(i, 1)),
			                r.Get(i, 2),
			                r.Get(i, 3),
			                r.Get(i, 4),
			                r.Get(i, 5),
			                r.Get(i, 6) == "t",
			                std::nullopt};
			if (!r.IsNull(i, 7))
				f.blocks_here = r.Get(i, 7) == "t";
			rows.push_back(Describe(f));
		}
	} catch (const SqlError &e) {
		rows.push_back(std::string("error ") + e.sqlstate + ": " + e.what() + " / " + e.context);
	}
	return rows;
}

std::vector<std::string>
EngineLint(Connection &conn, const std::string &script)
{
	std::vector<std::string> rows;
	try {
		for (const EngineFinding &f : LintWithClientEngine(conn, script))
			rows.push_back(Describe(f));
	} catch (const SqlError &e) {
		rows.push_back(std::string("error ") + e.sqlstate + ": " + e.what() + " / " + e.context);
	}
	return rows;
}

/* The fixture of sql/lint_corpus.sql and its corpus_cases table: the file up to the end of the cases. */
std::string
CorpusFixture()
{
	std::string text = ReadFile((SourceDir() / "sql" / "lint_corpus.sql").string());
	std::size_t from = text.find("CREATE SCHEMA corpus;");
	std::size_t to = text.find("\n-- Lint every case once");
	return from == std::string::npos || to == std::string::npos ? "" : text.substr(from, to - from);
}

/* The literal scripts sql/lint.sql hands to migrate.lint(): '...' with '' for a quote. */
std::vector<std::string>
LintSuiteScripts()
{
	std::string text = ReadFile((SourceDir() / "sql" / "lint.sql").string());
	std::vector<std::string> scripts;
	std::regex literal("\\('([^']|'')*'");
	for (auto it = std::sregex_iterator(text.begin(), text.end(), literal); it != std::sregex_iterator(); ++it) {
		std::string quoted = it->str().substr(2, it->str().size() - 3), script;
		for (std::size_t i = 0; i < quoted.size(); i++) {
			script.push_back(quoted[i]);
			if (quoted[i] == '\'')
				i++;
		}
		scripts.push_back(script);
	}
	return scripts;
}

class ClientEngine : public ClientTest {};

class ClientEngineWithoutExtension : public ClientTest {
protected:
	bool
	WithExtension() const override
	{
		return false;
	}
};

TEST_F(ClientEngine, FindsWhatTheServerFindsOnTheWholeCorpus)
{
	SKIP_WHEN_MANAGED("compares the server's migrate.lint() with the client engine; a managed database has no "
	                  "migrate.lint()");
	Connection conn = Connection::Open(conninfo_);
	int major = std::stoi(conn.Exec("SHOW server_version_num").Get(0, 0)) / 10000;
	if (major != ClientEngineGrammarMajor())
		GTEST_SKIP() << "the client engine parses with PostgreSQL " << ClientEngineGrammarMajor()
		             << "'s grammar; parity is asserted against that major, this server is " << major;
	std::string fixture = CorpusFixture();
	ASSERT_FALSE(fixture.empty()) << "sql/lint_corpus.sql changed shape";
	conn.ExecAll(fixture); /* its temporary corpus_cases and pg_temp.notx live in this session */
	std::vector<std::string> scripts;
	Result cases = conn.Exec("SELECT script FROM corpus_cases ORDER BY n");
	for (int i = 0; i < cases.Rows(); i++)
		scripts.push_back(cases.Get(i, 0));
	std::size_t corpus_cases = scripts.size();
	for (const std::string &script : LintSuiteScripts())
		scripts.push_back(script);
	for (const auto &entry : fs::recursive_directory_iterator(SourceDir() / "examples"))
		if (entry.is_regular_file() && entry.path().extension() == ".sql")
			scripts.push_back(ReadFile(entry.path().string()));
	ASSERT_GT(corpus_cases, 200u);
	ASSERT_GT(scripts.size(), corpus_cases + 10);

	std::size_t findings = 0;
	for (const std::string &script : scripts) {
		std::vector<std::string> server = ServerLint(conn, script), client = EngineLint(conn, script);
		EXPECT_EQ(client, server) << "script:\n" << script;
		findings += server.size();
	}
	EXPECT_GT(findings, corpus_cases / 2); /* the comparison is about findings, not empty lists */
}

TEST_F(ClientEngine, ReportsASyntaxErrorAsTheServerDoes)
{
	SKIP_WHEN_MANAGED("compares the server's migrate.lint() with the client engine; a managed database has no "
	                  "migrate.lint()");
	Connection conn = Connection::Open(conninfo_);
	int major = std::stoi(conn.Exec("SHOW server_version_num").Get(0, 0)) / 10000;
	if (major != ClientEngineGrammarMajor())
		GTEST_SKIP() << "error texts are compared against PostgreSQL " << ClientEngineGrammarMajor() << " only";
	std::string script = "-- migrate:up\nCREATE TABLE t (id bigint);\nCREATE TABLE oops (;\n";
	std::vector<std::string> server = ServerLint(conn, script), client = EngineLint(conn, script);
	ASSERT_EQ(server.size(), 1u);
	EXPECT_EQ(server[0].rfind("error 42601: syntax error", 0), 0u) << server[0];
	EXPECT_EQ(client, server);
}

TEST_F(ClientEngineWithoutExtension, LintCommandNeedsNoExtension)
{
	db_->Query("CREATE TABLE accounts (id bigint PRIMARY KEY, plan text)");
	db_->Query("INSERT INTO accounts VALUES (1, 'free')");
	db_->Query("CREATE TABLE fresh (id bigint)");
	std::string file = tmp_.Write("change.sql", "ALTER TABLE accounts DROP COLUMN plan;\n"
	                                            "ALTER TABLE fresh DROP COLUMN id;\n"
	                                            "CREATE INDEX accounts_plan ON accounts (plan);\n");
	RunResult server = Run({"lint", file});
	EXPECT_EQ(server.exit_code, 3) << server.All(); /* the server's lint needs the extension */

	RunResult r = Run({"--format", "json", "lint", "--engine", "client", file});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	nlohmann::json doc = pgmtest::ParseStdout(r);
	ASSERT_EQ(doc["findings"].size(), 3u) << r.out;
	EXPECT_EQ(doc["findings"][0]["rule"], "drop-column");
	EXPECT_EQ(doc["findings"][0]["lock_mode"], "ACCESS EXCLUSIVE");
	EXPECT_EQ(doc["findings"][0]["blocks_here"], true);  /* accounts holds a row */
	EXPECT_EQ(doc["findings"][1]["blocks_here"], false); /* fresh is empty */
	EXPECT_EQ(doc["findings"][2]["rule"], "index-not-concurrent");
	EXPECT_EQ(doc["findings"][2]["lock_mode"], "SHARE");
}

} // namespace

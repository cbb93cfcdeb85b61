/*
 * client_lint.hpp — migrate.lint() run inside the client (pg_migrate lint
 * --engine client): the extension's own lint (extension/lint.cpp and the
 * files it stands on, compiled into the client) with PostgreSQL's parser
 * from libpg_query (the PostgreSQL 15 grammar) and catalog facts read over
 * the connection from pg_catalog. No extension is needed in the database.
 */
#pragma once

#include "connection.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pgmigrate::client::engine {

/* One row as migrate.lint() returns it. */
struct EngineFinding {
	int statement = 0, line = 0;
	std::string rule, severity, lock_mode, message; /* lock_mode empty when none */
	bool allowed = false;
	std::optional<bool> blocks_here;
};

/* Lints script as migrate.lint(script) would; errors are thrown as SqlError with the server's fields. */
std::vector<EngineFinding> LintWithClientEngine(Connection &conn, const std::string &script);

/* The PostgreSQL major whose grammar the client engine parses with (libpg_query's). */
int ClientEngineGrammarMajor();

} // namespace pgmigrate::client::engine

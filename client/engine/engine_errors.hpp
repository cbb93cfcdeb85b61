/*
 * engine_errors.hpp — an error the client engine raised, as plain fields:
 * the same ones the client reads off a server error's PGresult (SqlError),
 * so a syntax error found in the client reports like one found in the server.
 */
#pragma once

#include "errors.hpp"

#include <string>

namespace pgmigrate::client::engine {

struct EngineError {
	std::string sqlstate, message, detail, hint, context;
	int position = 0; /* 1-based character position in the statement text; 0 when none */
};

/* The fields of a PostgreSQL error caught by pg::Call inside the engine (libpg_query's ErrorData). */
EngineError FromPgException(const PgException &error);

/* The fields of an error pg_migrate's engine code raised itself. */
EngineError FromMigrateError(const MigrateError &error);

} // namespace pgmigrate::client::engine

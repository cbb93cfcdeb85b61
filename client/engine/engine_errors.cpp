/*
 * engine_errors.cpp — the client host's side of the C++/PostgreSQL error
 * boundary (guard.hpp): pg::Call catches libpg_query's ereport as the
 * server's does, and the ErrorData it carries becomes EngineError.
 */
#include "engine_errors.hpp"

#include "guard.hpp"

namespace pgmigrate {

namespace client::engine {

namespace {

std::string
Text(const char *s)
{
	return s != nullptr ? s : "";
}

} // namespace

EngineError
FromPgException(const PgException &error)
{
	EngineError out;
	const ErrorData *e = error.edata;
	out.sqlstate = unpack_sql_state(e->sqlerrcode);
	out.message = Text(e->message);
	out.detail = Text(e->detail);
	out.hint = Text(e->hint);
	out.context = Text(e->context);
	out.position = e->internalpos > 0 ? e->internalpos : e->cursorpos;
	return out;
}

EngineError
FromMigrateError(const MigrateError &error)
{
	return {unpack_sql_state(error.sqlstate), error.message, error.detail, error.hint, "", 0};
}

} // namespace client::engine
} // namespace pgmigrate

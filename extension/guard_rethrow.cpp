/*
 * guard_rethrow.cpp — the half of the error boundary (guard.hpp) both hosts
 * share: an ereport caught by pg::Call becomes a PgException. Compiled into
 * the extension and, against libpg_query, into the client's engine.
 */
#include "guard.hpp"

namespace pgmigrate {

const char *
PgException::what() const noexcept
{
	return edata && edata->message ? edata->message : "PostgreSQL error";
}

namespace pg {

void
RethrowCaughtError(MemoryContext call_context)
{
	/* CopyErrorData must not run in ErrorContext, which FlushErrorState resets. */
	MemoryContextSwitchTo(call_context);
	ErrorData *edata = CopyErrorData();
	FlushErrorState();
	throw PgException(edata);
}

} // namespace pg

} // namespace pgmigrate

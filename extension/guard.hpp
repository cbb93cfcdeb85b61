/*
 * guard.hpp — the one boundary between C++ and PostgreSQL error handling.
 *
 * PostgreSQL raises errors with ereport(), a longjmp that skips C++
 * destructors; C++ raises exceptions that PostgreSQL's C frames cannot
 * unwind. So:
 *
 *  - C++ code calls anything that may ereport through pg::Call(), which
 *    catches the longjmp and rethrows it as PgException carrying the
 *    original ErrorData (SQLSTATE, message, detail, context survive);
 *  - C++ code reports its own errors by throwing MigrateError;
 *  - every SQL-callable function is declared with MIGRATE_FUNCTION, whose
 *    shim runs the body inside GuardEntry(): exceptions are caught there and
 *    turned back into ereport(ERROR) only after every C++ object of the call
 *    has been destroyed.
 */
#pragma once

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "utils/elog.h"
}

#include <csetjmp>
#include <exception>
#include <string>
#include <utility>

namespace pgmigrate {

/* SQLSTATEs of the contract (ARCHITECTURE.md §11). */
#define MG_CHECKSUM_MISMATCH MAKE_SQLSTATE('M', 'G', '0', '0', '1')
#define MG_INVALID_SCRIPT MAKE_SQLSTATE('M', 'G', '0', '0', '2')
#define MG_NOT_ALLOWED_HERE MAKE_SQLSTATE('M', 'G', '0', '0', '3')
#define MG_LINT_ERROR MAKE_SQLSTATE('M', 'G', '0', '0', '4')
#define MG_NO_DOWN MAKE_SQLSTATE('M', 'G', '0', '0', '5')
#define MG_OUT_OF_ORDER MAKE_SQLSTATE('M', 'G', '0', '0', '6')
#define MG_UNMET_REQUIRES MAKE_SQLSTATE('M', 'G', '0', '0', '7')
#define MG_BLOCKED MAKE_SQLSTATE('M', 'G', '0', '0', '8')
#define MG_UNKNOWN MAKE_SQLSTATE('M', 'G', '0', '0', '9')
/* pg_migrate's additions: stored text written by a role without the caller's privileges. */
#define MG_UNTRUSTED_AUTHOR MAKE_SQLSTATE('M', 'G', '0', '1', '0')
/* The schema differs from the state the last recorded action left (pg_migrate.drift_gate = error). */
#define MG_SCHEMA_DRIFT MAKE_SQLSTATE('M', 'G', '0', '1', '1')

/* An error raised by PostgreSQL, caught and carried through C++ frames. */
class PgException : public std::exception {
public:
	explicit PgException(ErrorData *edata) : edata(edata) {}
	const char *
	what() const noexcept override
	{
		return edata && edata->message ? edata->message : "PostgreSQL error";
	}
	ErrorData *edata; /* palloc'd in the memory context current at the call */
};

/* An error pg_migrate itself raises. */
class MigrateError : public std::exception {
public:
	MigrateError(int sqlstate, std::string message, std::string detail = {}, std::string hint = {})
	    : sqlstate(sqlstate), message(std::move(message)), detail(std::move(detail)), hint(std::move(hint))
	{}
	const char *
	what() const noexcept override
	{
		return message.c_str();
	}
	int sqlstate;
	std::string message, detail, hint;
};

namespace pg {

/* Restores PostgreSQL's error-handling globals however the guarded call ends. */
class ErrorStackScope {
public:
	ErrorStackScope() : saved_stack_(PG_exception_stack), saved_context_(error_context_stack) {}
	~ErrorStackScope() { Restore(); }
	void
	Restore()
	{
		PG_exception_stack = saved_stack_;
		error_context_stack = saved_context_;
	}
	ErrorStackScope(const ErrorStackScope &) = delete;
	ErrorStackScope &operator=(const ErrorStackScope &) = delete;

private:
	sigjmp_buf *saved_stack_;
	ErrorContextCallback *saved_context_;
};

/* Copies the pending PostgreSQL error, clears it and throws it as PgException. */
[[noreturn]] void RethrowCaughtError(MemoryContext call_context);

/*
 * Runs fn (which may ereport) and returns its result; an ereport becomes a
 * PgException. fn must not keep C++ objects with destructors alive across the
 * PostgreSQL calls it makes: those are skipped by the longjmp.
 */
template <typename Fn>
decltype(auto)
Call(Fn &&fn)
{
	MemoryContext call_context = CurrentMemoryContext;
	ErrorStackScope scope;
	sigjmp_buf local;
	if (sigsetjmp(local, 0) == 0) {
		PG_exception_stack = &local;
		return fn();
	}
	scope.Restore(); /* before anything else can ereport */
	RethrowCaughtError(call_context);
}

} // namespace pg

/* Runs one SQL-callable body; converts every exception into ereport(ERROR). */
Datum GuardEntry(Datum (*body)(FunctionCallInfo), FunctionCallInfo fcinfo);

} // namespace pgmigrate

/*
 * Declares SQL-callable function `name` with C linkage and opens the
 * definition of its body, which runs inside GuardEntry:
 *
 *   MIGRATE_FUNCTION(migrate_status) { ... return (Datum) 0; }
 */
#define MIGRATE_FUNCTION(name)                                                                                         \
	static Datum name##_body(FunctionCallInfo fcinfo);                                                                 \
	extern "C" {                                                                                                       \
	PG_FUNCTION_INFO_V1(name);                                                                                         \
	Datum                                                                                                              \
	name(PG_FUNCTION_ARGS)                                                                                             \
	{                                                                                                                  \
		return pgmigrate::GuardEntry(name##_body, fcinfo);                                                             \
	}                                                                                                                  \
	}                                                                                                                  \
	static Datum name##_body(FunctionCallInfo fcinfo)

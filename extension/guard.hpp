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

#include "errors.hpp"

#include <csetjmp>

namespace pgmigrate {

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

/*
 * Pushes an error-context callback (errcontext lines of errors raised while
 * it is on the stack) for its scope, or until Pop(). Safe inside Call: an
 * ereport that skips the destructor leaves error_context_stack to the Call's
 * ErrorStackScope, which restores it.
 */
class ErrorContext {
public:
	ErrorContext(void (*callback)(void *), void *arg)
	{
		entry_.callback = callback;
		entry_.arg = arg;
		entry_.previous = error_context_stack;
		error_context_stack = &entry_;
	}
	~ErrorContext() { Pop(); }
	void
	Pop()
	{
		if (popped_)
			return;
		Assert(error_context_stack == &entry_); /* whatever we called has popped its own */
		error_context_stack = entry_.previous;
		popped_ = true;
	}
	ErrorContext(const ErrorContext &) = delete;
	ErrorContext &operator=(const ErrorContext &) = delete;

private:
	ErrorContextCallback entry_;
	bool popped_ = false;
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

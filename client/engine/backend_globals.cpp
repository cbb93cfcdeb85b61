/* backend_globals.cpp — the accessors of backend_globals.h; compiled without it, next to libpg_query's globals. */
#include <setjmp.h>

extern "C" {
struct MemoryContextData;
struct ErrorContextCallback;
extern __thread MemoryContextData *CurrentMemoryContext;
extern __thread sigjmp_buf *PG_exception_stack;
extern __thread ErrorContextCallback *error_context_stack;

MemoryContextData **
pgmigrate_engine_current_memory_context(void)
{
	return &CurrentMemoryContext;
}

sigjmp_buf **
pgmigrate_engine_exception_stack(void)
{
	return &PG_exception_stack;
}

ErrorContextCallback **
pgmigrate_engine_error_context_stack(void)
{
	return &error_context_stack;
}
}

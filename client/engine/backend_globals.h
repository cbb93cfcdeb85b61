/*
 * backend_globals.h — put in front of every extension file the client
 * engine compiles (CMake: -include), before PostgreSQL's headers.
 *
 * libpg_query keeps PostgreSQL's backend globals per thread (__thread);
 * the server headers declare them as plain globals, which the linker will
 * not bind to thread-local definitions. So the engine reads the three it
 * uses (the memory context, the error stack and the error context stack of
 * pg::Call) through accessors (backend_globals.cpp); the header
 * declarations of these names turn into declarations of the accessors.
 */
#pragma once
/* the header declarations these macros rewrite read "extern T (*accessor());": no warning about it */
#pragma GCC system_header

#include <setjmp.h>

#ifdef __cplusplus
extern "C" {
#endif
struct MemoryContextData;
struct ErrorContextCallback;
struct MemoryContextData **pgmigrate_engine_current_memory_context(void);
sigjmp_buf **pgmigrate_engine_exception_stack(void);
struct ErrorContextCallback **pgmigrate_engine_error_context_stack(void);
#ifdef __cplusplus
}
#endif

#define CurrentMemoryContext (*pgmigrate_engine_current_memory_context())
#define PG_exception_stack (*pgmigrate_engine_exception_stack())
#define error_context_stack (*pgmigrate_engine_error_context_stack())

/*
 * backend_extras.cpp — the few backend functions the engine's files call
 * that libpg_query (PostgreSQL's parser as a library) does not carry.
 */
#include <cstdarg>
#include <cstdio>

extern "C" {
#include "postgres.h"
}

extern "C" {

char *
unpack_sql_state(int sql_state)
{
	static char buf[12];
	for (int i = 0; i < 5; i++) {
		buf[i] = PGUNSIXBIT(sql_state);
		sql_state >>= 6;
	}
	buf[5] = '\0';
	return buf;
}

/* errdetail_internal: a detail that is not translated, which libpg_query never translates anyway. */
int
errdetail_internal(const char *fmt, ...)
{
	char buf[8192];
	va_list args;
	va_start(args, fmt);
	vsnprintf(buf, sizeof buf, fmt, args); /* port.h: pg_vsnprintf, which libpg_query carries */
	va_end(args);
	return errdetail("%s", buf);
}
}

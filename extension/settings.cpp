/*
 * settings.cpp — defines the pg_migrate.* parameters when the library loads.
 */
#include "settings.hpp"

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "utils/guc.h"

PGDLLEXPORT void _PG_init(void);
}

namespace {
bool lint_strict = false;
} // namespace

void
_PG_init(void)
{
	DefineCustomBoolVariable("pg_migrate.lint_strict", "Treat lint findings about locks and table rewrites as errors.",
	                         "When on, apply() refuses them (MG004) unless the migration acknowledges them with "
	                         "-- migrate:allow.",
	                         &lint_strict, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
	MarkGUCPrefixReserved("pg_migrate");
}

namespace pgmigrate {

bool
LintStrict()
{
	return lint_strict;
}

} // namespace pgmigrate

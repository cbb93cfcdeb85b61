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

/* pg_migrate.lock_timeout takes what lock_timeout takes: refused when set, not at the next apply(). */
bool
CheckLockTimeout(char **newval, void **extra, GucSource source)
{
	int ms = 0;
	const char *hint = nullptr;
	if (*newval != nullptr && parse_int(*newval, &ms, GUC_UNIT_MS, &hint) && ms >= 0)
		return true;
	GUC_check_errdetail("pg_migrate.lock_timeout must be a duration such as 5s or 500ms, or 0 to wait forever.");
	if (hint != nullptr)
		GUC_check_errhint("%s", hint);
	return false;
}

bool lint_strict = false;
char *lock_timeout = nullptr;
int lock_retries = 3;
bool capture_ddl = true;
int drift_gate = 1;
const struct config_enum_entry kDriftGates[] = {
    {"off", 0, false}, {"warn", 1, false}, {"error", 2, false}, {nullptr, 0, false}};
} // namespace

void
_PG_init(void)
{
	DefineCustomBoolVariable("pg_migrate.lint_strict", "Treat lint findings about locks and table rewrites as errors.",
	                         "When on, apply() refuses them (MG004) unless the migration acknowledges them with "
	                         "-- migrate:allow.",
	                         &lint_strict, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
	DefineCustomStringVariable("pg_migrate.lock_timeout", "lock_timeout for migration statements.",
	                           "Used when a migration has no -- migrate:lock-timeout directive; 0 waits forever. A "
	                           "statement that times out is retried pg_migrate.lock_retries times with backoff.",
	                           &lock_timeout, "5s", PGC_USERSET, 0, CheckLockTimeout, nullptr, nullptr);
	DefineCustomIntVariable("pg_migrate.lock_retries", "Retries of a migration statement that timed out on a lock.",
	                        nullptr, &lock_retries, 3, 0, 100, PGC_USERSET, 0, nullptr, nullptr, nullptr);
	DefineCustomBoolVariable("pg_migrate.capture_ddl", "Record DDL run outside pg_migrate in migrate.drift_log.",
	                         "Turn it off for a session that recreates objects on purpose, such as pg_restore "
	                         "(PGOPTIONS='-c pg_migrate.capture_ddl=off').",
	                         &capture_ddl, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomEnumVariable("pg_migrate.drift_gate", "What apply() does when the schema drifted.",
	                         "Before applying anything, apply() compares the live schema with the state the last "
	                         "recorded action left: off ignores a difference, warn (the default) lists it in a "
	                         "WARNING, error refuses with MG011.",
	                         &drift_gate, 1, kDriftGates, PGC_USERSET, 0, nullptr, nullptr, nullptr);
	MarkGUCPrefixReserved("pg_migrate");
}

namespace pgmigrate {

bool
LintStrict()
{
	return lint_strict;
}

const char *
DefaultLockTimeout()
{
	return lock_timeout != nullptr ? lock_timeout : "5s";
}

bool
CaptureDdl()
{
	return capture_ddl;
}

int
LockRetries()
{
	return lock_retries;
}

const char *
DriftGate()
{
	return drift_gate == 0 ? "off" : drift_gate == 2 ? "error" : "warn";
}

} // namespace pgmigrate

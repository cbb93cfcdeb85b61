/*
 * settings.hpp — pg_migrate's configuration parameters (pg_migrate.*).
 */
#pragma once

namespace pgmigrate {

/* pg_migrate.lint_strict: locking rules are errors too. */
bool LintStrict();

/* pg_migrate.lock_timeout: lock_timeout of migration statements without a directive ("0": none). */
const char *DefaultLockTimeout();

/* pg_migrate.capture_ddl: record DDL run outside pg_migrate in migrate.drift_log. */
bool CaptureDdl();

/* pg_migrate.lock_retries: retries of a statement that timed out waiting for a lock. */
int LockRetries();

/* pg_migrate.drift_gate: "off", "warn" or "error" — what apply() does about a drifted schema. */
const char *DriftGate();

} // namespace pgmigrate

/*
 * settings.hpp — pg_migrate's configuration parameters (pg_migrate.*).
 */
#pragma once

namespace pgmigrate {

/* pg_migrate.lint_strict: locking rules are errors too. */
bool LintStrict();

} // namespace pgmigrate

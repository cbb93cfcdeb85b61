/*
 * enum_boundary.hpp — a migration that adds an enum value ends the
 * transaction it runs in. PostgreSQL lets a later statement use the new
 * value only once the transaction that added it has committed (55P04), and
 * the tools real histories come from commit after every migration, so the
 * migrations after such a one run after a commit: apply() hands them to the
 * runner, and the runner commits its batch right after it.
 */
#pragma once

#include "catalog.hpp"

namespace pgmigrate {

/* True when the up section adds an enum value (the server's parse decides). */
bool AddsEnumValue(const Migration &m);

} // namespace pgmigrate

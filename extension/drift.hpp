/*
 * drift.hpp — DDL run outside pg_migrate, captured by an event trigger.
 */
#pragma once

#include "pg_api.hpp"

extern "C" {
#include "fmgr.h"
}

namespace pgmigrate {

/* Body of the event trigger function for ddl_command_end and sql_drop. */
void CaptureDrift(FunctionCallInfo fcinfo);

/* DDL from here on is pg_migrate's own (the runner process sets this for its life). */
void MarkMigrationProcess();

} // namespace pgmigrate

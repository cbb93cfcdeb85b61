/*
 * drift.cpp — records DDL that did not come from pg_migrate into
 * migrate.drift_log.
 *
 * The trigger must never make a user's DDL fail: the capture runs in a
 * subtransaction, and any error there becomes a WARNING. Skipped: DDL run by
 * apply(), rollback() and the runner, extension scripts, and sessions with
 * pg_migrate.capture_ddl = off (e.g. a pg_restore).
 */
#include "drift.hpp"

#include "execute.hpp"
#include "settings.hpp"
#include "tokens.hpp"

extern "C" {
#include "commands/event_trigger.h"
#include "commands/extension.h"
}

namespace pgmigrate {

namespace {

bool migration_process = false;

void
Capture(const std::string &event, const std::string &tag, const std::string &role)
{
	/*
	 * The whole client string holds the statement that made the change. Its
	 * string constants are masked: the log is readable by roles that must not
	 * see another role's passwords (CREATE USER MAPPING ... OPTIONS
	 * (password '...'), which pg_user_mappings hides from them).
	 */
	std::string query = MaskStringLiterals(pg::CurrentQuery());
	pg::CatalogScope scope;
	if (event == "sql_drop")
		pg::Exec("INSERT INTO migrate.drift_log (role, command_tag, object_type, object_identity, query) "
		         "SELECT $1, $2, d.object_type, d.object_identity, $3 "
		         "FROM pg_catalog.pg_event_trigger_dropped_objects() d WHERE d.original",
		         {role, tag, query});
	else
		pg::Exec("INSERT INTO migrate.drift_log (role, command_tag, object_type, object_identity, query) "
		         "SELECT $1, c.command_tag, c.object_type, c.object_identity, $2 "
		         "FROM pg_catalog.pg_event_trigger_ddl_commands() c WHERE NOT c.in_extension "
		         "AND c.command_tag <> 'DROP'",
		         {role, query});
}

} // namespace

void
MarkMigrationProcess()
{
	migration_process = true;
}

void
CaptureDrift(FunctionCallInfo fcinfo)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		throw MigrateError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED, "migrate.capture_ddl() is an event trigger");
	if (migration_process || ExecutingMigrations() || creating_extension || !CaptureDdl())
		return;
	auto *trigger = reinterpret_cast<EventTriggerData *>(fcinfo->context);
	std::string event = trigger->event;
	std::string tag = GetCommandTagName(trigger->tag);
	std::string role = pg::CurrentRoleName();
	pg::SubtransactionFrame frame = pg::BeginSubtransaction();
	try {
		pg::SpiSession spi;
		Capture(event, tag, role);
		spi.Finish();
		pg::ReleaseSubtransaction(frame);
	} catch (const PgException &e) {
		std::string message = e.edata->message ? e.edata->message : "unknown error";
		pg::RollbackSubtransaction(frame);
		pg::Warning("pg_migrate could not record this DDL as drift: " + message);
	}
}

} // namespace pgmigrate

/*
 * functions.cpp — the SQL-callable entry points.
 *
 * Each is a shim: read arguments, call the C++ implementation inside the
 * guard (MIGRATE_FUNCTION), hand the result back. No logic lives here.
 */
#include "apply.hpp"
#include "catalog.hpp"
#include "pg_api.hpp"
#include "register.hpp"

extern "C" {
PG_MODULE_MAGIC;
}

using namespace pgmigrate;

namespace {

std::string
RequiredText(FunctionCallInfo fcinfo, int n, const char *name)
{
	Value v = pg::TextArg(fcinfo, n);
	if (!v)
		throw MigrateError(ERRCODE_NULL_VALUE_NOT_ALLOWED, std::string(name) + " must not be NULL");
	return *v;
}

char
DoubleText(double d, std::string *out)
{
	char buf[64];
	std::snprintf(buf, sizeof(buf), "%.3f", d);
	*out = buf;
	return 0;
}

} // namespace

MIGRATE_FUNCTION(migrate_register)
{
	RegisterRequest req;
	req.stream = RequiredText(fcinfo, 0, "stream");
	req.version = RequiredText(fcinfo, 1, "version");
	req.name = RequiredText(fcinfo, 2, "name");
	req.script = RequiredText(fcinfo, 3, "script");
	req.source = pg::TextArg(fcinfo, 4).value_or("");
	std::string outcome;
	{
		pg::SpiSession spi;
		outcome = RegisterMigration(req);
		spi.Finish();
	}
	return pg::TextResult(outcome);
}

MIGRATE_FUNCTION(migrate_apply)
{
	ApplyRequest req;
	req.stream = pg::TextArg(fcinfo, 0);
	req.target = pg::TextArg(fcinfo, 1);
	req.dry_run = pg::BoolArg(fcinfo, 2).value_or(false);
	req.on_error = pg::TextArg(fcinfo, 3).value_or("raise");
	pg::ResultSet result(fcinfo);
	std::vector<ApplyRow> rows;
	{
		pg::SpiSession spi;
		rows = ApplyMigrations(req);
		spi.Finish();
	}
	for (const ApplyRow &r : rows) {
		std::string ms;
		DoubleText(r.duration_ms, &ms);
		result.Add({r.stream, r.version, r.name, r.outcome, ms});
	}
	return (Datum)0;
}

MIGRATE_FUNCTION(migrate_status)
{
	Value stream = pg::TextArg(fcinfo, 0);
	pg::ResultSet result(fcinfo);
	pg::SpiSession spi;
	catalog::StatusInto(fcinfo, stream);
	spi.Finish();
	return (Datum)0;
}

MIGRATE_FUNCTION(migrate_library_version)
{
	return pg::TextResult(PG_MIGRATE_VERSION);
}

/*
 * functions.cpp — the SQL-callable entry points.
 *
 * Each is a shim: read arguments, call the C++ implementation inside the
 * guard (MIGRATE_FUNCTION), hand the result back. No logic lives here.
 */
#include "apply.hpp"
#include "catalog.hpp"
#include "checks.hpp"
#include "drift.hpp"
#include "jobs.hpp"
#include "lifecycle.hpp"
#include "lint.hpp"
#include "pg_api.hpp"
#include "register.hpp"
#include "schema_state.hpp"

#include <type_traits>

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

/* Runs action inside one SPI session and returns what it returns (the session is closed before any result Datum is
 * built). */
template <typename Action>
auto
WithSpi(Action action)
{
	pg::SpiSession spi;
	if constexpr (std::is_void_v<decltype(action())>) {
		action();
		spi.Finish();
	} else {
		auto result = action();
		spi.Finish();
		return result;
	}
}

/* Runs an action that returns apply()-shaped rows inside one SPI session, and returns them as the result. */
template <typename Action>
Datum
ReturnApplyRows(FunctionCallInfo fcinfo, Action action)
{
	pg::ResultSet result(fcinfo);
	std::vector<ApplyRow> rows = WithSpi(action);
	for (const ApplyRow &r : rows) {
		char ms[64];
		std::snprintf(ms, sizeof(ms), "%.3f", r.duration_ms);
		result.Add({r.stream, r.version, r.name, r.outcome, std::string(ms)});
	}
	return (Datum)0;
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
	std::string outcome = WithSpi([&] { return RegisterMigration(req); });
	return pg::TextResult(outcome);
}

/* register_many(streams, versions, names, scripts, sources), catalog 0.1.7: register() of many files in one call */
MIGRATE_FUNCTION(migrate_register_many)
{
	static const char *const kNames[] = {"streams", "versions", "names", "scripts"};
	std::vector<std::string> columns[4];
	for (int i = 0; i < 4; i++) {
		std::optional<std::vector<std::string>> column = pg::TextArrayArg(fcinfo, i, kNames[i]);
		if (!column)
			throw MigrateError(ERRCODE_NULL_VALUE_NOT_ALLOWED, std::string(kNames[i]) + " must not be NULL");
		columns[i] = std::move(*column);
	}
	std::vector<Value> sources = pg::TextArrayArgWithNulls(fcinfo, 4).value_or(std::vector<Value>());
	std::size_t count = columns[0].size();
	for (const std::vector<std::string> &column : columns)
		if (column.size() != count)
			throw MigrateError(ERRCODE_ARRAY_SUBSCRIPT_ERROR, "the arrays of register_many() differ in length", "",
			                   "Pass one element per migration in each of streams, versions, names and scripts.");
	if (!sources.empty() && sources.size() != count)
		throw MigrateError(ERRCODE_ARRAY_SUBSCRIPT_ERROR, "sources has a length of its own", "",
		                   "Pass one source per migration (NULL elements allowed), or NULL.");
	std::vector<RegisterRequest> requests(count);
	for (std::size_t i = 0; i < count; i++) {
		requests[i] = {std::move(columns[0][i]), std::move(columns[1][i]), std::move(columns[2][i]),
		               std::move(columns[3][i]), sources.empty() ? "" : sources[i].value_or("")};
	}
	pg::ResultSet result(fcinfo);
	std::vector<std::string> outcomes = WithSpi([&] { return RegisterMigrations(requests); });
	for (std::size_t i = 0; i < count; i++)
		result.Add({requests[i].stream, requests[i].version, outcomes[i]});
	return (Datum)0;
}

MIGRATE_FUNCTION(migrate_apply)
{
	ApplyRequest req;
	req.streams = StreamSelection::One(pg::TextArg(fcinfo, 0));
	req.target = pg::TextArg(fcinfo, 1);
	req.dry_run = pg::BoolArg(fcinfo, 2).value_or(false);
	req.on_error = pg::TextArg(fcinfo, 3).value_or("raise");
	return ReturnApplyRows(fcinfo, [&] { return ApplyMigrations(req); });
}

MIGRATE_FUNCTION(migrate_apply_exact)
{
	ApplyRequest req;
	req.expected = pg::TextArrayArg(fcinfo, 0);
	if (!req.expected)
		throw MigrateError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "expected must not be NULL", "",
		                   "Give the stream:version:checksum of every file the deploy read, or call apply().");
	req.include_unlisted = pg::BoolArg(fcinfo, 1).value_or(false);
	req.streams = StreamSelection::One(pg::TextArg(fcinfo, 2));
	req.target = pg::TextArg(fcinfo, 3);
	req.dry_run = pg::BoolArg(fcinfo, 4).value_or(false);
	req.on_error = pg::TextArg(fcinfo, 5).value_or("raise");
	return ReturnApplyRows(fcinfo, [&] { return ApplyMigrations(req); });
}

/* apply(streams text[], skip_streams text[], target, dry_run, on_error), catalog 0.1.6 */
MIGRATE_FUNCTION(migrate_apply_streams)
{
	ApplyRequest req;
	req.streams = StreamSelection::Lists(pg::TextArrayArg(fcinfo, 0), pg::TextArrayArg(fcinfo, 1));
	req.target = pg::TextArg(fcinfo, 2);
	req.dry_run = pg::BoolArg(fcinfo, 3).value_or(false);
	req.on_error = pg::TextArg(fcinfo, 4).value_or("raise");
	return ReturnApplyRows(fcinfo, [&] { return ApplyMigrations(req); });
}

/* apply_exact(expected, streams, skip_streams, include_unlisted, target, dry_run, on_error), catalog 0.1.6 */
MIGRATE_FUNCTION(migrate_apply_exact_streams)
{
	ApplyRequest req;
	req.expected = pg::TextArrayArg(fcinfo, 0);
	if (!req.expected)
		throw MigrateError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "expected must not be NULL", "",
		                   "Give the stream:version:checksum of every file the deploy read, or call apply().");
	req.streams = StreamSelection::Lists(pg::TextArrayArg(fcinfo, 1), pg::TextArrayArg(fcinfo, 2));
	req.include_unlisted = pg::BoolArg(fcinfo, 3).value_or(false);
	req.target = pg::TextArg(fcinfo, 4);
	req.dry_run = pg::BoolArg(fcinfo, 5).value_or(false);
	req.on_error = pg::TextArg(fcinfo, 6).value_or("raise");
	return ReturnApplyRows(fcinfo, [&] { return ApplyMigrations(req); });
}

MIGRATE_FUNCTION(migrate_rollback)
{
	RollbackRequest req;
	Value stream = pg::TextArg(fcinfo, 0);
	req.to_version = pg::TextArg(fcinfo, 1);
	req.steps = pg::IntArg(fcinfo, 2);
	req.to_db_version = pg::TextArg(fcinfo, 3);
	/* An explicit NULL is not "the default stream": only to_db_version, which spans streams, goes without one. */
	if (!stream && !req.to_db_version)
		throw MigrateError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "stream must not be NULL", "",
		                   "Name the stream to roll back (its default is 'schema'), or give to_db_version.");
	req.stream = stream.value_or("schema");
	req.all_applied = pg::BoolArg(fcinfo, 4).value_or(false);
	return ReturnApplyRows(fcinfo, [&] { return RollbackMigrations(req); });
}

/* rollback(all_streams boolean), catalog 0.1.6: what pg_migrate reset rolls back */
MIGRATE_FUNCTION(migrate_rollback_all_streams)
{
	if (!pg::BoolArg(fcinfo, 0).value_or(false))
		throw MigrateError(ERRCODE_INVALID_PARAMETER_VALUE, "all_streams must be true", "",
		                   "rollback(all_streams => true) rolls back every stream; roll back one stream with "
		                   "rollback(stream => ...).");
	RollbackRequest req;
	req.all_streams = true;
	return ReturnApplyRows(fcinfo, [&] { return RollbackMigrations(req); });
}

MIGRATE_FUNCTION(migrate_verify)
{
	Value stream = pg::TextArg(fcinfo, 0);
	pg::ResultSet result(fcinfo);
	std::vector<VerifyRow> rows = WithSpi([&] { return VerifyApplied(stream); });
	for (const VerifyRow &r : rows)
		result.Add({r.stream, r.version, r.name, std::string(r.ok ? "true" : "false"),
		            r.message.empty() ? Value() : Value(r.message)});
	return (Datum)0;
}

MIGRATE_FUNCTION(migrate_validate)
{
	pg::ResultSet result(fcinfo);
	std::vector<Problem> problems = WithSpi([&] { return Validate(); });
	for (const Problem &p : problems)
		result.Add({p.severity, p.check, p.stream, p.version, p.message});
	return (Datum)0;
}

MIGRATE_FUNCTION(migrate_resolve)
{
	std::string stream = RequiredText(fcinfo, 0, "stream");
	std::string version = RequiredText(fcinfo, 1, "version");
	std::string state = RequiredText(fcinfo, 2, "state");
	WithSpi([&] { ResolveMigration(stream, version, state); });
	PG_RETURN_VOID();
}

MIGRATE_FUNCTION(migrate_baseline)
{
	std::string stream = RequiredText(fcinfo, 0, "stream");
	std::string version = RequiredText(fcinfo, 1, "version");
	int count = WithSpi([&] { return BaselineStream(stream, version); });
	PG_RETURN_INT32(count);
}

MIGRATE_FUNCTION(migrate_repair)
{
	std::string stream = RequiredText(fcinfo, 0, "stream");
	std::string version = RequiredText(fcinfo, 1, "version");
	std::string script = RequiredText(fcinfo, 2, "script");
	WithSpi([&] { RepairMigration(stream, version, script); });
	PG_RETURN_VOID();
}

MIGRATE_FUNCTION(migrate_retry)
{
	std::string stream = RequiredText(fcinfo, 0, "stream");
	std::string version = RequiredText(fcinfo, 1, "version");
	WithSpi([&] { RetryMigration(stream, version); });
	PG_RETURN_VOID();
}

MIGRATE_FUNCTION(migrate_lint)
{
	std::string script = RequiredText(fcinfo, 0, "script");
	pg::ResultSet result(fcinfo);
	/* allowed and blocks_here came with catalog 0.1.5; an older declaration takes the first six columns */
	std::vector<ScriptFinding> findings = LintScript(script);
	for (const ScriptFinding &sf : findings) {
		const Finding &f = sf.finding;
		result.Add({std::to_string(f.statement), std::to_string(f.line), f.rule, f.severity,
		            f.lock_mode.empty() ? Value() : Value(f.lock_mode), f.message, std::string(sf.allowed ? "t" : "f"),
		            sf.blocks_here ? Value(*sf.blocks_here ? "t" : "f") : Value()});
	}
	return (Datum)0;
}

MIGRATE_FUNCTION(migrate_capture_ddl)
{
	CaptureDrift(fcinfo);
	PG_RETURN_NULL();
}

MIGRATE_FUNCTION(migrate_drift)
{
	bool include_acknowledged = pg::BoolArg(fcinfo, 0).value_or(false);
	pg::ResultSet result(fcinfo);
	WithSpi([&] { catalog::DriftInto(fcinfo, include_acknowledged); });
	return (Datum)0;
}

MIGRATE_FUNCTION(migrate_accept_drift)
{
	std::string fingerprint = WithSpi([&] { return AcceptDrift(); });
	return pg::TextResult(fingerprint);
}

MIGRATE_FUNCTION(migrate_acknowledge_drift)
{
	std::optional<long long> id;
	if (!PG_ARGISNULL(0))
		id = PG_GETARG_INT64(0);
	if (!id)
		throw MigrateError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "id must not be NULL");
	bool found = WithSpi([&] { return catalog::AcknowledgeDrift(*id); });
	if (!found)
		throw MigrateError(MG_UNKNOWN, "no drift entry " + std::to_string(*id));
	PG_RETURN_VOID();
}

MIGRATE_FUNCTION(migrate_db_version)
{
	std::string version = WithSpi([&] { return DatabaseVersion(); });
	if (version.empty())
		PG_RETURN_NULL();
	return pg::TextResult(version);
}

MIGRATE_FUNCTION(migrate_check_compatibility)
{
	std::string component = RequiredText(fcinfo, 0, "component");
	std::string version = RequiredText(fcinfo, 1, "version");
	bool ok = WithSpi([&] { return CheckCompatibility(component, version); });
	PG_RETURN_BOOL(ok);
}

MIGRATE_FUNCTION(migrate_status)
{
	Value stream = pg::TextArg(fcinfo, 0);
	pg::ResultSet result(fcinfo);
	WithSpi([&] {
		QueueState queue = jobs::State();
		KickRunner(queue);
		catalog::StatusInto(fcinfo, stream, queue.interrupted, queue.idle);
	});
	return (Datum)0;
}

MIGRATE_FUNCTION(migrate_library_version)
{
	return pg::TextResult(PG_MIGRATE_VERSION);
}

/*
 * managed_dispatch.cpp — ManagedCall() of managed_calls.hpp: the statements
 * the commands send through CallExtension (lifecycle.cpp), each mapped to
 * the C++ the server's SQL-callable function runs. The list is the set of
 * statements the commands send, word for word; anything else is refused
 * with a message saying managed mode does not have it yet.
 */
#include "managed_calls.hpp"
#include "managed_catalog.hpp"
#include "managed_internal.hpp"

#include "checks.hpp"
#include "guard.hpp"
#include "../../extension/lifecycle.hpp" /* the engine's, not client/lifecycle.hpp */
#include "schema_state.hpp"

#include <cstdio>
#include <functional>
#include <map>

namespace pgmigrate::client::engine {

namespace {

using Params = std::vector<Param>;

std::string
Required(const Params &p, std::size_t i, const char *name)
{
	if (i >= p.size() || !p[i])
		throw MigrateError(ERRCODE_NULL_VALUE_NOT_ALLOWED, std::string(name) + " must not be NULL");
	return *p[i];
}

Value
Optional(const Params &p, std::size_t i)
{
	return i < p.size() ? p[i] : Value();
}

Result
OneValue(const char *column, const Value &value)
{
	ResultBuilder result({column});
	result.Add({value});
	return result.Take();
}

/* The columns of rows (a status() or validate() result) that the statement selects, in its order. */
Result
Project(const Result &rows, const std::vector<std::string> &columns)
{
	ResultBuilder result(columns);
	std::vector<int> at;
	for (const std::string &c : columns)
		at.push_back(rows.Column(c.c_str()));
	for (int r = 0; r < rows.Rows(); r++) {
		std::vector<Value> row;
		for (int c : at)
			row.push_back(rows.GetOptional(r, c));
		result.Add(row);
	}
	return result.Take();
}

using Handler = std::function<Result(Connection &, const Params &)>;

const std::map<std::string, Handler> &
Handlers()
{
	static const std::map<std::string, Handler> handlers = {
	    {"SELECT stream, version, name, outcome, duration_ms FROM migrate.rollback(stream => $1, to_version => $2, "
	     "steps => $3::integer, to_db_version => $4, all_applied => $5::boolean)",
	     [](Connection &conn, const Params &p) {
		     RollbackRequest req;
		     Value stream = Optional(p, 0);
		     req.to_version = Optional(p, 1);
		     if (Optional(p, 2))
			     req.steps = std::stoi(*p[2]);
		     req.to_db_version = Optional(p, 3);
		     if (!stream && !req.to_db_version)
			     throw MigrateError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "stream must not be NULL");
		     req.stream = stream.value_or("schema");
		     req.all_applied = Optional(p, 4) == Value("t") || Optional(p, 4) == Value("true");
		     return ApplyRowsResult(InTransaction(conn, [&] { return RollbackMigrations(req); }));
	     }},
	    {"SELECT stream, version, name, outcome, duration_ms FROM migrate.rollback(all_streams => true)",
	     [](Connection &conn, const Params &) {
		     RollbackRequest req;
		     req.all_streams = true;
		     return ApplyRowsResult(InTransaction(conn, [&] { return RollbackMigrations(req); }));
	     }},
	    {"SELECT migrate.resolve($1, $2, $3)",
	     [](Connection &conn, const Params &p) {
		     std::string stream = Required(p, 0, "stream"), version = Required(p, 1, "version"),
		                 state = Required(p, 2, "state");
		     InTransaction(conn, [&] {
			     ResolveMigration(stream, version, state);
			     return 0;
		     });
		     return OneValue("resolve", std::string());
	     }},
	    {"SELECT migrate.resolve($1, $2, 'applied')",
	     [](Connection &conn, const Params &p) {
		     std::string stream = Required(p, 0, "stream"), version = Required(p, 1, "version");
		     InTransaction(conn, [&] {
			     ResolveMigration(stream, version, "applied");
			     return 0;
		     });
		     return OneValue("resolve", std::string());
	     }},
	    {"SELECT migrate.baseline($1, $2)",
	     [](Connection &conn, const Params &p) {
		     std::string stream = Required(p, 0, "stream"), version = Required(p, 1, "version");
		     int count = InTransaction(conn, [&] { return BaselineStream(stream, version); });
		     return OneValue("baseline", std::to_string(count));
	     }},
	    {"SELECT migrate.repair($1, $2, $3)",
	     [](Connection &conn, const Params &p) {
		     std::string stream = Required(p, 0, "stream"), version = Required(p, 1, "version"),
		                 script = Required(p, 2, "script");
		     InTransaction(conn, [&] {
			     RepairMigration(stream, version, script);
			     return 0;
		     });
		     return OneValue("repair", std::string());
	     }},
	    {"SELECT stream, version, name, ok, message FROM migrate.verify($1)",
	     [](Connection &conn, const Params &p) {
		     Value stream = Optional(p, 0);
		     std::vector<VerifyRow> rows = InTransaction(conn, [&] { return VerifyApplied(stream); });
		     ResultBuilder result({"stream", "version", "name", "ok", "message"});
		     for (const VerifyRow &r : rows)
			     result.Add({r.stream, r.version, r.name, std::string(r.ok ? "t" : "f"),
			                 r.message.empty() ? Value() : Value(r.message)});
		     return result.Take();
	     }},
	    {"SELECT severity, check_name, stream, version, message FROM migrate.validate()",
	     [](Connection &conn, const Params &) { return ManagedValidate(conn); }},
	    {"SELECT message FROM migrate.validate() WHERE check_name = 'invalid-index' AND stream = $1 AND version = $2",
	     [](Connection &conn, const Params &p) {
		     Result all = ManagedValidate(conn);
		     ResultBuilder result({"message"});
		     for (int r = 0; r < all.Rows(); r++)
			     if (all.Get(r, 1) == "invalid-index" && Optional(p, 0) == all.GetOptional(r, 2) &&
			         Optional(p, 1) == all.GetOptional(r, 3))
				     result.Add({all.GetOptional(r, 4)});
		     return result.Take();
	     }},
	    {"SELECT version, name, state FROM migrate.status($1)",
	     [](Connection &conn, const Params &p) {
		     return Project(ManagedStatus(conn, Optional(p, 0)), {"version", "name", "state"});
	     }},
	    {"SELECT migrate.check_compatibility($1, $2)",
	     [](Connection &conn, const Params &p) {
		     std::string component = Required(p, 0, "component"), version = Required(p, 1, "version");
		     bool ok = InTransaction(conn, [&] { return CheckCompatibility(component, version); });
		     return OneValue("check_compatibility", std::string(ok ? "t" : "f"));
	     }},
	    {"SELECT migrate.retry($1, $2)",
	     [](Connection &conn, const Params &p) {
		     std::string stream = Required(p, 0, "stream"), version = Required(p, 1, "version");
		     InTransaction(conn, [&] {
			     RetryMigration(stream, version);
			     return 0;
		     });
		     /* no background worker here: the client resumes the step itself */
		     RunManagedQueue(conn);
		     return OneValue("retry", std::string());
	     }},
	    {"SELECT migrate.db_version() AS db_version, "
	     "(SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_migrate') AS extension_version, "
	     "migrate.version() AS library_version, pg_catalog.current_setting('server_version') AS server_version, "
	     "(SELECT count(*) FROM migrate.status() WHERE state = 'applied') AS applied",
	     [](Connection &conn, const Params &) {
		     std::string version = InTransaction(conn, [] { return DatabaseVersion(); });
		     Result status = ManagedStatus(conn);
		     long applied = 0;
		     for (int r = 0; r < status.Rows(); r++)
			     applied += status.Get(r, status.Column("state")) == "applied" ? 1 : 0;
		     std::string server = conn.Exec("SELECT pg_catalog.current_setting('server_version')").Get(0, 0);
		     /* the catalog's version stands where the extension's would: the library is this client */
		     ResultBuilder result({"db_version", "extension_version", "library_version", "server_version", "applied"});
		     result.Add({version.empty() ? Value() : Value(version), ManagedCatalogVersion(conn),
		                 std::string(PG_MIGRATE_VERSION), server, std::to_string(applied)});
		     return result.Take();
	     }},
	    {"SELECT migrate.db_version()",
	     [](Connection &conn, const Params &) {
		     std::string version = InTransaction(conn, [] { return DatabaseVersion(); });
		     return OneValue("db_version", version.empty() ? Value() : Value(version));
	     }},
	    {"SELECT migrate.accept_drift()",
	     [](Connection &conn, const Params &) {
		     return OneValue("accept_drift", InTransaction(conn, [] { return AcceptDrift(); }));
	     }},
	};
	return handlers;
}

} // namespace

Result
ApplyRowsResult(const std::vector<ApplyRow> &rows)
{
	ResultBuilder result({"stream", "version", "name", "outcome", "duration_ms"});
	for (const ApplyRow &r : rows) {
		char ms[64];
		snprintf(ms, sizeof(ms), "%.3f", r.duration_ms); /* port.h makes it pg_snprintf */
		result.Add({r.stream, r.version, r.name, r.outcome, std::string(ms)});
	}
	return result.Take();
}

Result
ManagedCall(Connection &conn, const std::string &sql, const std::vector<Param> &params)
{
	auto found = Handlers().find(sql);
	if (found == Handlers().end()) {
		SqlError error("this command is not available in managed mode yet (no pg_migrate extension in this database)");
		error.sqlstate = "0A000";
		error.hint = "Install the extension where the server allows it (pg_migrate install), or see the README's "
		             "\"Managed PostgreSQL\" section for what managed mode runs.";
		throw error;
	}
	return found->second(conn, params);
}

} // namespace pgmigrate::client::engine

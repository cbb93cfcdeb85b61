/* managed_calls.cpp — see managed_calls.hpp. */
#include "managed_calls.hpp"

#include "host.hpp"

#include "apply.hpp"
#include "catalog.hpp"
#include "checks.hpp"
#include "guard.hpp"
#include "jobs.hpp"
#include "pg_api.hpp"
#include "register.hpp"
#include "runner_queue.hpp"

#include <cstdio>

namespace pgmigrate::client::engine {

namespace {

SqlError
FromMigrateError(const MigrateError &e)
{
	SqlError error(e.message);
	error.sqlstate = unpack_sql_state(e.sqlstate);
	error.detail = e.detail;
	error.hint = e.hint;
	return error;
}

/*
 * Runs fn in a transaction of its own with the engine hosted on conn: its
 * result once committed; on an error the transaction is rolled back and the
 * error thrown as the server's function would have raised it.
 */
template <typename Fn>
auto
InTransaction(Connection &conn, Fn fn)
{
	conn.Exec("BEGIN");
	std::optional<SqlError> failed;
	{
		HostSession host(conn);
		try {
			auto result = fn();
			conn.Exec("COMMIT");
			return result;
		} catch (const PgException &e) {
			failed = ToSqlError(e.edata); /* edata lives in the session's memory: converted before it ends */
		} catch (const MigrateError &e) {
			failed = FromMigrateError(e);
		} catch (const SqlError &e) {
			failed = e;
		}
	}
	try {
		conn.Exec("ROLLBACK");
	} catch (const SqlError &) {
		/* a lost connection: the server rolled back; the first error says why */
	}
	throw *failed;
}

/* A result built here, shaped as a server function's: text columns named as its result columns. */
class ResultBuilder {
public:
	explicit ResultBuilder(const std::vector<std::string> &columns)
	    : result_(PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK))
	{
		std::vector<PGresAttDesc> attrs(columns.size());
		for (std::size_t i = 0; i < columns.size(); i++)
			attrs[i] = {const_cast<char *>(columns[i].c_str()), 0, 0, 0, 25 /* TEXTOID */, -1, -1};
		PQsetResultAttrs(result_, static_cast<int>(attrs.size()), attrs.data());
	}
	void
	Add(const std::vector<std::optional<std::string>> &row)
	{
		for (std::size_t c = 0; c < row.size(); c++) {
			const std::optional<std::string> &v = row[c];
			PQsetvalue(result_, rows_, static_cast<int>(c), v ? const_cast<char *>(v->c_str()) : nullptr,
			           v ? static_cast<int>(v->size()) : -1);
		}
		rows_++;
	}
	Result
	Take()
	{
		PGresult *r = result_;
		result_ = nullptr;
		return Result(r);
	}
	~ResultBuilder()
	{
		if (result_ != nullptr)
			PQclear(result_);
	}
	ResultBuilder(const ResultBuilder &) = delete;
	ResultBuilder &operator=(const ResultBuilder &) = delete;

private:
	PGresult *result_;
	int rows_ = 0;
};

} // namespace

bool &
RunnerWorkQueued()
{
	thread_local bool queued = false;
	return queued;
}

void
RunManagedQueue(Connection &conn)
{
	RunnerWorkQueued() = false;
	std::optional<SqlError> failed;
	{
		HostSession host(conn);
		try {
			/* the runner's work, done by this client as itself: who queued it is who runs it */
			RunQueue({pg::DatabaseOid(), pg::SessionUserOid(), pg::CurrentUserOid()});
			return;
		} catch (const PgException &e) {
			failed = ToSqlError(e.edata);
		} catch (const MigrateError &e) {
			failed = FromMigrateError(e);
		}
		pg::AbortTransaction();
	}
	/* the queue keeps what was not done (queued, or running: interrupted); status and retry show and resume it */
	throw *failed;
}

Result
ManagedStatus(Connection &conn, const std::optional<std::string> &stream)
{
	return InTransaction(conn, [&] {
		QueueState queue = jobs::State();
		const std::string &sql = queue.idle ? catalog::StatusIdleSql() : catalog::StatusBusySql();
		std::vector<Param> args = {stream};
		if (!queue.idle)
			args.push_back(TextArrayLiteral(queue.interrupted));
		return conn.ExecText(sql, args);
	});
}

bool
SwitchToManaged(Connection &conn, const SqlError &error)
{
	if (conn.Managed())
		return true;
	/* 42883 function migrate.x() does not exist, 3F000 no schema migrate, 42P01 no such table */
	if (error.sqlstate != "42883" && error.sqlstate != "3F000" && error.sqlstate != "42P01")
		return false;
	if (!error.context.empty() || !HasManagedCatalog(conn))
		return false;
	conn.SetManaged(true);
	return true;
}

Result
ManagedValidate(Connection &conn)
{
	std::vector<Problem> problems = InTransaction(conn, [] { return Validate(); });
	ResultBuilder result({"severity", "check_name", "stream", "version", "message"});
	for (const Problem &p : problems)
		result.Add({p.severity, p.check, p.stream, p.version, p.message});
	return result.Take();
}

bool
HasManagedCatalog(Connection &conn)
{
	return conn.Exec("SELECT pg_catalog.to_regclass('migrate.managed_catalog') IS NOT NULL").Get(0, 0) == "t";
}

Result
ManagedRemoteState(Connection &conn)
{
	static const std::string kSql =
	    "SELECT s.stream, s.version, s.checksum, s.state, v.library, v.catalog FROM (SELECT $2::text AS library, "
	    "(SELECT version FROM migrate.managed_catalog LIMIT 1) AS catalog) v LEFT JOIN (" +
	    catalog::StatusIdleSql() + ") s ON true";
	return conn.ExecText(kSql, {std::nullopt, std::string(PG_MIGRATE_VERSION)});
}

Result
ManagedRegisterMany(Connection &conn, const std::vector<std::string_view> (&columns)[5])
{
	std::vector<RegisterRequest> requests(columns[0].size());
	for (std::size_t i = 0; i < requests.size(); i++)
		requests[i] = {std::string(columns[0][i]), std::string(columns[1][i]), std::string(columns[2][i]),
		               std::string(columns[3][i]), std::string(columns[4][i])};
	std::vector<std::string> outcomes = InTransaction(conn, [&] { return RegisterMigrations(requests); });
	ResultBuilder result({"stream", "version", "outcome"});
	for (std::size_t i = 0; i < requests.size(); i++)
		result.Add({requests[i].stream, requests[i].version, outcomes[i]});
	return result.Take();
}

Result
ManagedApplyExact(Connection &conn, const ManagedApply &request)
{
	ApplyRequest req;
	req.expected = request.expected;
	req.include_unlisted = request.include_unlisted;
	req.streams = StreamSelection::Lists(request.streams, request.skip_streams);
	req.target = request.target;
	req.dry_run = request.dry_run;
	req.on_error = request.on_error;
	RunnerWorkQueued() = false;
	std::vector<ApplyRow> rows = InTransaction(conn, [&] { return ApplyMigrations(req); });
	if (RunnerWorkQueued() && !request.dry_run)
		RunManagedQueue(conn);
	ResultBuilder result({"stream", "version", "name", "outcome", "duration_ms"});
	for (const ApplyRow &r : rows) {
		char ms[64];
		snprintf(ms, sizeof(ms), "%.3f", r.duration_ms); /* port.h makes it pg_snprintf */
		result.Add({r.stream, r.version, r.name, r.outcome, std::string(ms)});
	}
	return result.Take();
}

} // namespace pgmigrate::client::engine

/* managed_calls.cpp — see managed_calls.hpp. */
#include "managed_calls.hpp"

#include "managed_internal.hpp"

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
			/*
			 * A backend whose client died while it builds an index CONCURRENTLY
			 * stops within a second (instead of finishing unseen, with its
			 * resume point unsaved): the step is then interrupted, and retry
			 * drops the INVALID index it left and builds it again.
			 */
			pg::SetSessionSetting("client_connection_check_interval", "1000");
			/* the runner's work, done by this client as itself: who queued it is who runs it */
			RunQueue({pg::DatabaseOid(), pg::SessionUserOid(), pg::CurrentUserOid()});
			return;
		} catch (const PgException &e) {
			failed = ToSqlError(e.edata);
		} catch (const MigrateError &e) {
			failed = SqlErrorOfMigrateError(e);
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
	/* status() as the server reads it: a running step whose runner is gone is interrupted */
	return InTransaction(conn, [&] {
		QueueState queue = jobs::State();
		const std::string &status = queue.idle ? catalog::StatusIdleSql() : catalog::StatusBusySql();
		std::string sql = "SELECT s.stream, s.version, s.checksum, s.state, v.library, v.catalog FROM (SELECT "
		                  "$" +
		                  std::to_string(queue.idle ? 2 : 3) +
		                  "::text AS library, (SELECT version FROM "
		                  "migrate.managed_catalog LIMIT 1) AS catalog) v LEFT JOIN (" +
		                  status + ") s ON true";
		std::vector<Param> args = {std::nullopt};
		if (!queue.idle)
			args.push_back(TextArrayLiteral(queue.interrupted));
		args.push_back(std::string(PG_MIGRATE_VERSION));
		return conn.ExecText(sql, args);
	});
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
	return ApplyRowsResult(rows);
}

} // namespace pgmigrate::client::engine

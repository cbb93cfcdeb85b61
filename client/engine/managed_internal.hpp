/*
 * managed_internal.hpp — what managed_calls.cpp and managed_dispatch.cpp
 * share: a call's transaction with the engine hosted, and results shaped
 * like the server functions' results.
 */
#pragma once

#include "host.hpp"

#include "apply.hpp"
#include "guard.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pgmigrate::client::engine {

inline SqlError
SqlErrorOfMigrateError(const MigrateError &e)
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
	/*
	 * Inside the caller's transaction block, as a server function call would
	 * be: the caller ends it; a savepoint undoes what a failed call did.
	 */
	bool own = !conn.InTransactionBlock();
	conn.Exec(own ? "BEGIN" : "SAVEPOINT pg_migrate_call");
	std::optional<SqlError> failed;
	{
		HostSession host(conn);
		try {
			auto result = fn();
			conn.Exec(own ? "COMMIT" : "RELEASE SAVEPOINT pg_migrate_call");
			return result;
		} catch (const PgException &e) {
			failed = ToSqlError(e.edata); /* edata lives in the session's memory: converted before it ends */
		} catch (const MigrateError &e) {
			failed = SqlErrorOfMigrateError(e);
		} catch (const SqlError &e) {
			failed = e;
		}
	}
	try {
		conn.Exec(own ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT pg_migrate_call");
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
			attrs[i] = {const_cast<char *>(columns[i].c_str()), 0, 0, 0, TypeOf(columns[i]), -1, -1};
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
	/* the type the extension's functions declare for a column (the JSON output writes numbers and booleans as such) */
	static Oid
	TypeOf(const std::string &column)
	{
		if (column == "duration_ms")
			return 701; /* FLOAT8OID */
		if (column == "ok" || column == "transactional" || column == "has_down")
			return 16; /* BOOLOID */
		return 25;     /* TEXTOID */
	}
	PGresult *result_;
	int rows_ = 0;
};

/* apply()-shaped rows: stream, version, name, outcome, duration_ms. */
Result ApplyRowsResult(const std::vector<ApplyRow> &rows);

} // namespace pgmigrate::client::engine

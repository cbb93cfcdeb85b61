/*
 * connection.hpp — one libpq session, RAII.
 *
 * Every statement goes through Exec, which uses PQexecParams: values from
 * files and the command line travel as parameters, never inside SQL text.
 */
#pragma once

#include "text_array.hpp"

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgmigrate::client {

using Param = std::optional<std::string>; /* nullopt is SQL NULL */

/* An error reported by the server (or a lost connection), with its fields. */
class SqlError : public std::runtime_error {
public:
	explicit SqlError(const std::string &message) : std::runtime_error(message) {}
	std::string sqlstate; /* empty when the server sent none */
	std::string detail, hint, context;
	/* 1-based character positions of the caret: in the statement sent, or in internal_query (0: none) */
	int position = 0, internal_position = 0;
	std::string internal_query;
	bool connection_lost = false;
};

/* A NOTICE, WARNING or INFO message the server sent while a statement ran. */
struct Notice {
	std::string severity; /* not localized: NOTICE, WARNING, INFO, ... */
	std::string sqlstate;
	std::string message; /* primary message */
	std::string detail, hint;
	std::string text; /* as psql prints it: "NOTICE:  message" and DETAIL/HINT lines */
};

/* A query result; owns the PGresult. */
class Result {
public:
	explicit Result(PGresult *result) : result_(result, PQclear) {}

	int
	Rows() const
	{
		return PQntuples(result_.get());
	}
	int
	Columns() const
	{
		return PQnfields(result_.get());
	}
	bool
	IsNull(int row, int column) const
	{
		return PQgetisnull(result_.get(), row, column) != 0;
	}
	/* The value as text; "" for NULL. */
	std::string
	Get(int row, int column) const
	{
		return std::string(PQgetvalue(result_.get(), row, column),
		                   static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
	}
	std::optional<std::string> GetOptional(int row, int column) const;
	/* The column's index; throws std::logic_error when the result has no such column. */
	int Column(const char *name) const;
	std::string
	ColumnName(int column) const
	{
		return PQfname(result_.get(), column);
	}
	Oid
	ColumnType(int column) const
	{
		return PQftype(result_.get(), column);
	}

	const PGresult *
	Raw() const
	{
		return result_.get();
	}

private:
	std::unique_ptr<PGresult, void (*)(PGresult *)> result_;
};

/* text[] array literals for $n::text[] parameters: one escaping rule with the extension (text_array.hpp) */
using pgmigrate::TextArrayLiteral;
using pgmigrate::TextArrayLiteralOfViews;

/*
 * A text[] in PostgreSQL's binary array format, for a parameter sent with
 * ExecBinary: the server takes each element as it is (array_recv) instead of
 * parsing and unescaping a literal, which for megabytes of migration text is
 * most of the statement's bind. Elements are in the client encoding, as
 * text parameters are.
 */
std::string TextArrayBinary(const std::vector<std::string_view> &values);
/* The same with NULL elements (nullopt). */
std::string TextArrayBinaryWithNulls(const std::vector<std::optional<std::string>> &values);

class Connection {
public:
	/*
	 * Connects to target (URL or conninfo; empty: libpq's defaults) with
	 * client_encoding UTF8 and application_name pg_migrate. Throws
	 * Failure(kExitConnect) with libpq's message, the password masked.
	 */
	static Connection Open(const std::string &target);

	/*
	 * The same connection, made without blocking (PQconnectStartParams): call
	 * Progress() to advance it without waiting, and Finish() before the first query.
	 */
	static Connection Start(const std::string &target);
	/* Advances a started connection as far as it can go without waiting. */
	void Progress();
	/* Waits until a started connection is ready; throws Failure(kExitConnect) like Open. */
	void Finish();

	/*
	 * Queues a parameterless statement to be sent the moment the connection
	 * is up, so the server works on it while the client still reads files.
	 * Until TakeEarly() collects its result, Exec must not be called.
	 */
	void SendEarly(const std::string &sql);
	bool
	HasEarly() const
	{
		return early_state_ != EarlyState::kNone;
	}
	/* Waits for the early statement's result; throws SqlError like Exec. */
	Result TakeEarly();

	/* Runs one statement; throws SqlError for anything but a successful result. */
	Result Exec(const std::string &sql, const std::vector<Param> &params = {});

	/* Exec with the parameters whose binary[i] is set sent in binary format (TextArrayBinary) */
	Result ExecBinary(const std::string &sql, const std::vector<Param> &params, const std::vector<bool> &binary);

	/*
	 * Exec with every parameter typed text, as the extension's SPI plans type
	 * them: the client-hosted engine's catalog SQL (client/engine/) means
	 * exactly what it means in the server.
	 */
	Result ExecText(const std::string &sql, const std::vector<Param> &params);
	/* Exec with every parameter typed text[], sent in binary (TextArrayBinary) */
	Result ExecTextArrays(const std::string &sql, const std::vector<Param> &arrays);
	/*
	 * Runs parameterless statements separated by ';' in one round trip (one
	 * implicit transaction); one Result per statement. Throws SqlError if one fails.
	 */
	std::vector<Result> ExecAll(const std::string &sql);

	/* Where notices (RAISE NOTICE, "already exists, skipping", lint warnings) go; default: dropped. */
	void SetNoticeHandler(std::function<void(const Notice &)> handler);
	/* Hands a notice to the handler as if the server had sent it (the client-hosted engine's own). */
	void Notify(const Notice &notice) const;
	/*
	 * Whether this database's pg_migrate catalog is the managed one (no
	 * extension: the client hosts the engine, client/engine/managed_calls.hpp).
	 */
	bool
	Managed() const
	{
		return managed_;
	}
	void
	SetManaged(bool managed)
	{
		managed_ = managed;
	}

	/* Called with each statement's SQL text (never its parameters) before it is sent; for -v. */
	void
	SetStatementTracer(std::function<void(const std::string &)> tracer)
	{
		tracer_ = std::move(tracer);
	}

	std::string User() const;
	std::string Host() const;
	std::string Port() const;
	/* The password this connection used ("" when none): for a second connection to the same server. */
	std::string Password() const;
	std::string Database() const;
	/* keyword -> value of every connection option in effect (PQconninfo), password included: for a child tool. */
	std::vector<std::pair<std::string, std::string>> Options() const;
	int
	ServerVersion() const
	{
		return PQserverVersion(conn_.get());
	}
	/* Whether a transaction block is open (BEGIN sent, no COMMIT or ROLLBACK yet; also when it failed). */
	bool
	InTransactionBlock() const
	{
		PGTransactionStatusType status = PQtransactionStatus(conn_.get());
		return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
	}
	/* Whether the connection to the server is gone (the server then rolled back any transaction). */
	bool
	Lost() const
	{
		return PQstatus(conn_.get()) == CONNECTION_BAD;
	}

private:
	/* Exec and ExecBinary: binary == nullptr sends every parameter as text; type (0: the server infers) for all */
	Result ExecParams(const std::string &sql, const std::vector<Param> &params, const std::vector<bool> *binary,
	                  Oid type = 0);

	explicit Connection(PGconn *conn);
	static void OnNotice(void *arg, const PGresult *notice);
	enum class EarlyState { kNone, kQueued, kSent, kSendFailed };
	Result Checked(Result result) const;
	void SendQueuedEarly();
	/* Waits up to timeout_ms (-1: forever) for the socket to be ready for the pending PQconnectPoll step. */
	bool WaitForSocket(int timeout_ms) const;
	bool
	Connecting() const
	{
		return poll_status_ == PGRES_POLLING_READING || poll_status_ == PGRES_POLLING_WRITING;
	}

	std::unique_ptr<PGconn, void (*)(PGconn *)> conn_;
	/* on the heap: libpq keeps a pointer to it, which must survive moving the Connection */
	std::unique_ptr<std::function<void(const Notice &)>> notice_handler_;
	std::function<void(const std::string &)> tracer_;
	std::string target_;                                       /* for masking it in error messages */
	PostgresPollingStatusType poll_status_ = PGRES_POLLING_OK; /* of a Start()ed connection */
	int connect_timeout_ms_ = -1;                              /* connect_timeout; -1 = none */
	std::string early_sql_;
	EarlyState early_state_ = EarlyState::kNone;
	bool managed_ = false;
};

/*
 * A transaction on conn: begin ("BEGIN", or statements that start with it)
 * runs at construction; ROLLBACK at destruction unless Commit() ran, so
 * whatever goes wrong leaves nothing half done. The ROLLBACK's own failure
 * is ignored, and it is not sent on a lost connection (the server rolls
 * back then).
 */
class Transaction {
public:
	explicit Transaction(Connection &conn, const std::string &begin = "BEGIN");
	~Transaction();
	Transaction(const Transaction &) = delete;
	Transaction &operator=(const Transaction &) = delete;
	void Commit();
	/* Rolls back now (a check that keeps nothing); the destructor then does nothing. */
	void Rollback();

private:
	Connection &conn_;
	bool open_ = true;
};

} // namespace pgmigrate::client

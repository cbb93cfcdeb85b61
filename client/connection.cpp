/* connection.cpp — libpq session (see connection.hpp). */
#include "connection.hpp"

#include "conninfo.hpp"
#include "exit_codes.hpp"
#include "strings.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include <poll.h>

namespace pgmigrate::client {

namespace {

std::string
Field(const PGresult *result, int code)
{
	const char *value = PQresultErrorField(result, code);
	return value != nullptr ? value : "";
}

} // namespace

std::optional<std::string>
Result::GetOptional(int row, int column) const
{
	if (IsNull(row, column))
		return std::nullopt;
	return Get(row, column);
}

int
Result::Column(const char *name) const
{
	int column = PQfnumber(result_.get(), name);
	if (column < 0)
		throw std::logic_error(std::string("query result has no column ") + name);
	return column;
}

Connection::Connection(PGconn *conn)
    : conn_(conn, PQfinish), notice_handler_(std::make_unique<std::function<void(const Notice &)>>())
{
	/*
	 * libpq's default prints notices to stderr, which would break -q and JSON
	 * mode. A receiver, not a processor: it gets the fields, so lint warnings
	 * can be told apart and read without parsing localized text.
	 */
	PQsetNoticeReceiver(conn_.get(), &Connection::OnNotice, notice_handler_.get());
}

void
Connection::OnNotice(void *arg, const PGresult *raw)
{
	auto *handler = static_cast<std::function<void(const Notice &)> *>(arg);
	if (!*handler || raw == nullptr)
		return;
	Notice notice;
	notice.severity = Field(raw, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (notice.severity.empty())
		notice.severity = Field(raw, PG_DIAG_SEVERITY);
	notice.sqlstate = Field(raw, PG_DIAG_SQLSTATE);
	notice.message = Field(raw, PG_DIAG_MESSAGE_PRIMARY);
	notice.detail = Field(raw, PG_DIAG_MESSAGE_DETAIL);
	notice.hint = Field(raw, PG_DIAG_MESSAGE_HINT);
	notice.text = TrimEnd(PQresultErrorMessage(raw), "\n\r");
	(*handler)(notice);
}

/* Connection parameters: the target expanded (URL or conninfo), UTF8, and our application name. */
struct ConnectParams {
	explicit ConnectParams(const std::string &target)
	{
		/* fallback_application_name: an application_name in the URL still wins. */
		if (!target.empty()) {
			keys[2] = "dbname";
			values[2] = target.c_str();
		}
	}
	const char *keys[4] = {"client_encoding", "fallback_application_name", nullptr, nullptr};
	const char *values[4] = {"UTF8", "pg_migrate", nullptr, nullptr};
};

Connection
Connection::Open(const std::string &target)
{
	ConnectParams params(target);
	PGconn *raw = PQconnectdbParams(params.keys, params.values, /* expand_dbname */ 1);
	if (raw == nullptr)
		throw Failure(kExitConnect, "cannot connect: out of memory");
	Connection conn(raw);
	conn.target_ = target;
	if (PQstatus(raw) != CONNECTION_OK) {
		std::string message = TrimEnd(PQerrorMessage(raw), "\n\r");
		throw Failure(kExitConnect, "cannot connect to the database: " + Scrub(message, target));
	}
	return conn;
}

Connection
Connection::Start(const std::string &target)
{
	ConnectParams params(target);
	PGconn *raw = PQconnectStartParams(params.keys, params.values, /* expand_dbname */ 1);
	if (raw == nullptr)
		throw Failure(kExitConnect, "cannot connect: out of memory");
	Connection conn(raw);
	conn.target_ = target;
	/* libpq: before the first PQconnectPoll, act as if it had asked to wait for writing */
	conn.poll_status_ = PQstatus(raw) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
	/* PQconnectPoll ignores connect_timeout (from the target or PGCONNECT_TIMEOUT); Finish() applies it */
	if (PQconninfoOption *options = PQconninfo(raw)) {
		for (PQconninfoOption *o = options; o->keyword != nullptr; o++) {
			if (std::string(o->keyword) == "connect_timeout" && o->val != nullptr && *o->val != '\0') {
				int seconds = std::atoi(o->val);
				if (seconds > 0)
					conn.connect_timeout_ms_ = std::max(seconds, 2) * 1000; /* libpq's minimum */
			}
		}
		PQconninfoFree(options);
	}
	return conn;
}

bool
Connection::WaitForSocket(int timeout_ms) const
{
	struct pollfd pfd = {PQsocket(conn_.get()), 0, 0};
	if (pfd.fd < 0)
		return true; /* nothing to wait on: let PQconnectPoll report */
	pfd.events = poll_status_ == PGRES_POLLING_READING ? POLLIN : POLLOUT;
	for (;;) {
		int n = ::poll(&pfd, 1, timeout_ms);
		if (n >= 0)
			return n > 0;
		if (errno != EINTR)
			return true;
	}
}

void
Connection::Progress()
{
	while (Connecting() && WaitForSocket(0))
		poll_status_ = PQconnectPoll(conn_.get());
	SendQueuedEarly();
}

void
Connection::Finish()
{
	auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(connect_timeout_ms_);
	while (Connecting()) {
		int wait_ms = -1;
		if (connect_timeout_ms_ > 0) {
			auto left =
			    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
			wait_ms = static_cast<int>(std::max<long long>(left.count(), 0));
		}
		if (!WaitForSocket(wait_ms))
			throw Failure(kExitConnect, "cannot connect to the database: timeout expired");
		poll_status_ = PQconnectPoll(conn_.get());
	}
	if (poll_status_ != PGRES_POLLING_OK || PQstatus(conn_.get()) != CONNECTION_OK) {
		std::string message = TrimEnd(PQerrorMessage(conn_.get()), "\n\r");
		throw Failure(kExitConnect, "cannot connect to the database: " + Scrub(message, target_));
	}
	SendQueuedEarly();
}

Result
Connection::Exec(const std::string &sql, const std::vector<Param> &params)
{
	return ExecParams(sql, params, nullptr);
}

Result
Connection::ExecBinary(const std::string &sql, const std::vector<Param> &params, const std::vector<bool> &binary)
{
	if (binary.size() != params.size())
		throw std::logic_error("ExecBinary: one binary flag per parameter");
	return ExecParams(sql, params, &binary);
}

Result
Connection::ExecText(const std::string &sql, const std::vector<Param> &params)
{
	return ExecParams(sql, params, nullptr, 25); /* TEXTOID */
}

Result
Connection::ExecTextArrays(const std::string &sql, const std::vector<Param> &arrays)
{
	std::vector<bool> binary(arrays.size(), true);
	return ExecParams(sql, arrays, &binary, 1009); /* TEXTARRAYOID */
}

Result
Connection::ExecParams(const std::string &sql, const std::vector<Param> &params, const std::vector<bool> *binary,
                       Oid type)
{
	if (early_state_ != EarlyState::kNone)
		throw std::logic_error("Exec while an early statement is outstanding: call TakeEarly first");
	if (tracer_)
		tracer_(sql);
	std::vector<const char *> values;
	std::vector<int> lengths, formats; /* only for binary parameters; text ones end at their NUL */
	values.reserve(params.size());
	for (std::size_t i = 0; i < params.size(); i++) {
		values.push_back(params[i] ? params[i]->c_str() : nullptr);
		if (binary != nullptr) {
			lengths.push_back(params[i] ? static_cast<int>(params[i]->size()) : 0);
			formats.push_back((*binary)[i] ? 1 : 0);
		}
	}
	std::vector<Oid> types(type != 0 ? params.size() : 0, type);
	return Checked(Result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()),
	                                   types.empty() ? nullptr : types.data(), values.empty() ? nullptr : values.data(),
	                                   lengths.empty() ? nullptr : lengths.data(),
	                                   formats.empty() ? nullptr : formats.data(), 0)));
}

namespace {

void
AppendInt32(std::string *out, std::uint32_t v)
{
	const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
	                       static_cast<char>(v)};
	out->append(bytes, 4);
}

} // namespace

namespace {

/* PostgreSQL's binary array format of text elements; a nullopt element is NULL. */
template <typename Element, typename Get>
std::string
TextArrayBinaryOf(const std::vector<Element> &values, Get get)
{
	constexpr std::uint32_t kTextOid = 25;
	std::size_t size = 20;
	bool has_nulls = false;
	for (const Element &v : values) {
		std::optional<std::string_view> text = get(v);
		size += 4 + (text ? text->size() : 0);
		has_nulls = has_nulls || !text;
	}
	std::string out;
	out.reserve(size);
	/* header: dimensions, has-nulls flag, element type; then each dimension's length and lower bound */
	AppendInt32(&out, values.empty() ? 0 : 1);
	AppendInt32(&out, has_nulls ? 1 : 0);
	AppendInt32(&out, kTextOid);
	if (!values.empty()) {
		AppendInt32(&out, static_cast<std::uint32_t>(values.size()));
		AppendInt32(&out, 1);
	}
	for (const Element &v : values) {
		std::optional<std::string_view> text = get(v);
		if (!text) {
			AppendInt32(&out, 0xFFFFFFFFu); /* length -1: NULL */
			continue;
		}
		AppendInt32(&out, static_cast<std::uint32_t>(text->size()));
		out.append(text->data(), text->size());
	}
	return out;
}

} // namespace

std::string
TextArrayBinary(const std::vector<std::string_view> &values)
{
	return TextArrayBinaryOf(values, [](std::string_view v) { return std::optional<std::string_view>(v); });
}

std::string
TextArrayBinaryWithNulls(const std::vector<std::optional<std::string>> &values)
{
	return TextArrayBinaryOf(values, [](const std::optional<std::string> &v) {
		return v ? std::optional<std::string_view>(*v) : std::nullopt;
	});
}

std::vector<Result>
Connection::ExecAll(const std::string &sql)
{
	if (early_state_ != EarlyState::kNone)
		throw std::logic_error("ExecAll while an early statement is outstanding: call TakeEarly first");
	if (tracer_)
		tracer_(sql);
	std::vector<Result> results;
	if (PQsendQuery(conn_.get(), sql.c_str()) == 0) {
		results.push_back(Checked(Result(nullptr)));
		return results;
	}
	/* Read every result before checking any: the connection must be idle again for the caller. */
	while (PGresult *next = PQgetResult(conn_.get()))
		results.emplace_back(next);
	if (results.empty())
		results.emplace_back(nullptr);
	for (Result &result : results)
		result = Checked(std::move(result));
	return results;
}

Result
Connection::Checked(Result result) const
{
	const PGresult *raw = result.Raw();
	ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
	if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
		return result;

	std::string message = raw != nullptr ? Field(raw, PG_DIAG_MESSAGE_PRIMARY) : "";
	if (message.empty())
		message = TrimEnd(PQerrorMessage(conn_.get()), "\n\r");
	SqlError error(message.empty() ? "query failed" : message);
	if (raw != nullptr) {
		error.sqlstate = Field(raw, PG_DIAG_SQLSTATE);
		error.detail = Field(raw, PG_DIAG_MESSAGE_DETAIL);
		error.hint = Field(raw, PG_DIAG_MESSAGE_HINT);
		error.context = Field(raw, PG_DIAG_CONTEXT);
		std::string position = Field(raw, PG_DIAG_STATEMENT_POSITION);
		std::string internal_position = Field(raw, PG_DIAG_INTERNAL_POSITION);
		error.position = position.empty() ? 0 : std::atoi(position.c_str());
		error.internal_position = internal_position.empty() ? 0 : std::atoi(internal_position.c_str());
		error.internal_query = Field(raw, PG_DIAG_INTERNAL_QUERY);
	}
	if (PQstatus(conn_.get()) == CONNECTION_BAD) {
		error.connection_lost = true;
		if (error.sqlstate.empty())
			error.sqlstate = "08006";
	}
	throw error;
}

void
Connection::SendEarly(const std::string &sql)
{
	early_sql_ = sql;
	early_state_ = EarlyState::kQueued;
	Progress();
}

void
Connection::SendQueuedEarly()
{
	if (early_state_ != EarlyState::kQueued || Connecting() || PQstatus(conn_.get()) != CONNECTION_OK)
		return;
	if (tracer_)
		tracer_(early_sql_);
	/* PQsendQueryParams: the asynchronous PQexecParams; its result is read by TakeEarly */
	if (PQsendQueryParams(conn_.get(), early_sql_.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 0)
		early_state_ = EarlyState::kSendFailed;
	else
		early_state_ = EarlyState::kSent;
}

Result
Connection::TakeEarly()
{
	if (early_state_ == EarlyState::kQueued)
		SendQueuedEarly();
	EarlyState state = early_state_;
	early_state_ = EarlyState::kNone;
	if (state == EarlyState::kNone || state == EarlyState::kQueued)
		throw std::logic_error("TakeEarly without a sent early statement");
	if (state == EarlyState::kSendFailed)
		return Checked(Result(nullptr));
	/* like PQexec: keep the last result, or the first error */
	Result kept(nullptr);
	while (PGresult *next = PQgetResult(conn_.get())) {
		Result result(next);
		bool kept_error = kept.Raw() != nullptr && PQresultStatus(kept.Raw()) == PGRES_FATAL_ERROR;
		if (!kept_error)
			kept = std::move(result);
	}
	return Checked(std::move(kept));
}

void
Connection::Notify(const Notice &notice) const
{
	if (*notice_handler_)
		(*notice_handler_)(notice);
}

void
Connection::SetNoticeHandler(std::function<void(const Notice &)> handler)
{
	*notice_handler_ = std::move(handler);
}

std::string
Connection::User() const
{
	const char *v = PQuser(conn_.get());
	return v != nullptr ? v : "";
}

std::string
Connection::Host() const
{
	const char *v = PQhost(conn_.get());
	return v != nullptr ? v : "";
}

std::string
Connection::Port() const
{
	const char *v = PQport(conn_.get());
	return v != nullptr ? v : "";
}

std::string
Connection::Password() const
{
	const char *v = PQpass(conn_.get());
	return v != nullptr ? v : "";
}

std::vector<std::pair<std::string, std::string>>
Connection::Options() const
{
	std::vector<std::pair<std::string, std::string>> out;
	PQconninfoOption *options = PQconninfo(conn_.get());
	if (options == nullptr)
		return out;
	for (PQconninfoOption *o = options; o->keyword != nullptr; o++)
		if (o->val != nullptr && o->val[0] != '\0')
			out.emplace_back(o->keyword, o->val);
	PQconninfoFree(options);
	return out;
}

std::string
Connection::Database() const
{
	const char *v = PQdb(conn_.get());
	return v != nullptr ? v : "";
}

namespace {

/* ROLLBACK unless the connection is gone; its own failure is ignored. */
void
TryRollback(Connection &conn)
{
	if (conn.Lost())
		return;
	try {
		conn.Exec("ROLLBACK");
	} catch (const std::exception &) {
	}
}

} // namespace

Transaction::Transaction(Connection &conn, const std::string &begin) : conn_(conn)
{
	try {
		if (begin.find(';') == std::string::npos)
			conn_.Exec(begin);
		else
			conn_.ExecAll(begin);
	} catch (const SqlError &) {
		TryRollback(conn_); /* statements after BEGIN may have failed inside the transaction */
		throw;
	}
}

Transaction::~Transaction()
{
	if (open_)
		TryRollback(conn_);
}

void
Transaction::Commit()
{
	conn_.Exec("COMMIT");
	open_ = false;
}

void
Transaction::Rollback()
{
	open_ = false;
	conn_.Exec("ROLLBACK");
}

} // namespace pgmigrate::client

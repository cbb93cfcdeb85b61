/* connection.cpp — libpq session (see connection.hpp). */
#include "connection.hpp"

#include "conninfo.hpp"
#include "exit_codes.hpp"

namespace pgmigrate::client {

namespace {

std::string
Field(const PGresult *result, int code)
{
	const char *value = PQresultErrorField(result, code);
	return value != nullptr ? value : "";
}

std::string
TrimNewlines(std::string s)
{
	while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
		s.pop_back();
	return s;
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

std::string
TextArrayLiteral(const std::vector<std::string> &values)
{
	/* Every element double-quoted with \ and " escaped: safe for any text, including "NULL" and "{". */
	std::string out = "{";
	for (std::size_t i = 0; i < values.size(); i++) {
		if (i > 0)
			out.push_back(',');
		out.push_back('"');
		for (char c : values[i]) {
			if (c == '"' || c == '\\')
				out.push_back('\\');
			out.push_back(c);
		}
		out.push_back('"');
	}
	out.push_back('}');
	return out;
}

Connection::Connection(PGconn *conn)
    : conn_(conn, PQfinish), notice_handler_(std::make_unique<std::function<void(const std::string &)>>())
{
	/* libpq's default prints notices to stderr, which would break -q and JSON mode. */
	PQsetNoticeProcessor(conn_.get(), &Connection::OnNotice, notice_handler_.get());
}

void
Connection::OnNotice(void *arg, const char *message)
{
	auto *handler = static_cast<std::function<void(const std::string &)> *>(arg);
	if (*handler)
		(*handler)(TrimNewlines(message));
}

Connection
Connection::Open(const std::string &target)
{
	/* fallback_application_name: an application_name in the URL still wins. */
	const char *keys[4] = {"client_encoding", "fallback_application_name", nullptr, nullptr};
	const char *values[4] = {"UTF8", "pg_migrate", nullptr, nullptr};
	if (!target.empty()) {
		keys[2] = "dbname";
		values[2] = target.c_str();
	}
	PGconn *raw = PQconnectdbParams(keys, values, /* expand_dbname */ 1);
	if (raw == nullptr)
		throw Failure(kExitConnect, "cannot connect: out of memory");
	Connection conn(raw);
	if (PQstatus(raw) != CONNECTION_OK) {
		std::string message = TrimNewlines(PQerrorMessage(raw));
		throw Failure(kExitConnect, "cannot connect to the database: " + Scrub(message, target));
	}
	return conn;
}

Result
Connection::Exec(const std::string &sql, const std::vector<Param> &params)
{
	if (tracer_)
		tracer_(sql);
	std::vector<const char *> values;
	values.reserve(params.size());
	for (const Param &p : params)
		values.push_back(p ? p->c_str() : nullptr);
	Result result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
	                           values.empty() ? nullptr : values.data(), nullptr, nullptr, 0));
	const PGresult *raw = result.Raw();
	ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
	if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
		return result;

	std::string message = raw != nullptr ? Field(raw, PG_DIAG_MESSAGE_PRIMARY) : "";
	if (message.empty())
		message = TrimNewlines(PQerrorMessage(conn_.get()));
	SqlError error(message.empty() ? "query failed" : message);
	if (raw != nullptr) {
		error.sqlstate = Field(raw, PG_DIAG_SQLSTATE);
		error.detail = Field(raw, PG_DIAG_MESSAGE_DETAIL);
		error.hint = Field(raw, PG_DIAG_MESSAGE_HINT);
		error.context = Field(raw, PG_DIAG_CONTEXT);
	}
	if (PQstatus(conn_.get()) == CONNECTION_BAD) {
		error.connection_lost = true;
		if (error.sqlstate.empty())
			error.sqlstate = "08006";
	}
	throw error;
}

void
Connection::SetNoticeHandler(std::function<void(const std::string &)> handler)
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
Connection::Database() const
{
	const char *v = PQdb(conn_.get());
	return v != nullptr ? v : "";
}

} // namespace pgmigrate::client

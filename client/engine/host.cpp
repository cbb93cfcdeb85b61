/* host.cpp — see host.hpp. */
#include "host.hpp"

#include "guard.hpp"

#include <stdexcept>

extern "C" {
/* pg_query/pg_query_internal.h, without the server headers it pulls in */
MemoryContextData *pg_query_enter_memory_context();
void pg_query_exit_memory_context(MemoryContextData *context);
}

namespace pgmigrate::client::engine {

namespace {

thread_local Connection *current = nullptr;

std::string
Text(const char *s)
{
	return s != nullptr ? s : "";
}

} // namespace

HostSession::HostSession(Connection &conn) : memory_(pg_query_enter_memory_context()), facts_(conn)
{
	if (current != nullptr) {
		pg_query_exit_memory_context(memory_);
		throw std::logic_error("client engine: a HostSession is already open on this thread");
	}
	current = &conn;
	ResetHostState();
}

HostSession::~HostSession()
{
	ResetHostState();
	current = nullptr;
	pg_query_exit_memory_context(memory_);
}

bool
InHostSession()
{
	return current != nullptr;
}

Connection &
HostConnection()
{
	if (current == nullptr)
		throw std::logic_error("client engine: database access outside a HostSession");
	return *current;
}

std::uint64_t &
SubtransactionEpoch()
{
	thread_local std::uint64_t epoch = 0;
	return epoch;
}

void
RaiseServerError(const SqlError &error, const std::string *query)
{
	const std::string &s = error.sqlstate;
	int code = s.size() == 5 ? MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4]) : ERRCODE_INTERNAL_ERROR;
	std::string message = error.what();
	pg::Call([&] {
		ereport(ERROR, (errcode(code), errmsg_internal("%s", message.c_str()),
		                error.detail.empty() ? 0 : errdetail("%s", error.detail.c_str()),
		                error.hint.empty() ? 0 : errhint("%s", error.hint.c_str()),
		                error.context.empty() ? 0 : errcontext("%s", error.context.c_str()),
		                query != nullptr && error.position > 0 ? internalerrposition(error.position) : 0,
		                query != nullptr && error.position > 0 ? internalerrquery(query->c_str()) : 0));
	});
	pg_unreachable();
}

std::string
XminIsOursSql(const std::string &column)
{
	const std::string x = column + "::text::bigint";
	/* d: the distance from our id to the row's, in (-2^31, 2^31]; 1 and 2 are the bootstrap and frozen ids */
	return "coalesce(CASE WHEN " + x +
	       " < 3 THEN false ELSE pg_catalog.pg_xact_status((SELECT w.r + CASE WHEN w.d >= " +
	       "2147483648 THEN w.d - 4294967296 ELSE w.d END FROM (SELECT v.r, ((" + x +
	       " - v.r % 4294967296) % 4294967296 + 4294967296) % 4294967296 AS d FROM (SELECT " +
	       "pg_catalog.pg_current_xact_id()::text::bigint AS r) v) w)::text::xid8) = 'in progress' END, false)";
}

SqlError
ToSqlError(const ErrorData *edata)
{
	SqlError error(Text(edata->message));
	error.sqlstate = unpack_sql_state(edata->sqlerrcode);
	error.detail = Text(edata->detail);
	error.hint = Text(edata->hint);
	error.context = Text(edata->context);
	error.position = edata->cursorpos;
	error.internal_position = edata->internalpos;
	error.internal_query = Text(edata->internalquery);
	error.connection_lost = error.sqlstate == "08006";
	return error;
}

} // namespace pgmigrate::client::engine

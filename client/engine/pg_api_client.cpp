/*
 * pg_api_client.cpp — pg_api.hpp answered over libpq: the client host of
 * the engine (host.hpp). What the server does with SPI, GUC nest levels,
 * internal subtransactions and its own clock, this does with statements on
 * the session's connection, inside the transaction block the caller opened:
 *
 *  - catalog queries: parameters typed text (text[] for the column
 *    uploads), exactly as the server's saved plans type them;
 *  - CatalogScope: search_path pg_catalog, pg_temp while a scope is open,
 *    switched lazily (SET LOCAL), since the catalog tables belong to the
 *    connecting role here: there is no owner to switch to;
 *  - subtransactions: savepoints; settings: SET LOCAL, restored on pop;
 *  - errors: the server's, raised again through libpg_query's ereport.
 */
#include "host.hpp"

#include "checksum.hpp"
#include "guard.hpp"
#include "pg_api.hpp"

#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

namespace pgmigrate {

using client::Connection;
using client::Param;
using client::Result;
using client::SqlError;
using namespace client::engine;

namespace {

/* Which search_path the server has now: the caller's, or the catalog scope's. */
enum class Path { kCaller, kCatalog };

struct SavepointState {
	Path path;
	std::string caller_path;
	std::size_t settings;
};

/* One SET LOCAL to undo when its nest level is popped. */
struct SavedSetting {
	int level;
	std::string name, old_value;
	std::string value; /* what the SET LOCAL put in force */
};

/* The host's view of the session's state; reset by each HostSession (thread-local: one session per thread). */
struct HostState {
	int scope_depth = 0;
	Path path = Path::kCaller;
	std::string caller_path; /* the caller's search_path, while the catalog scope's is in force */
	std::vector<SavepointState> savepoints;
	int settings_level = 0;
	std::vector<SavedSetting> settings;
	Oid current_user = InvalidOid; /* cached until a statement of a migration runs */
	std::string current_role_name;
	/* session settings read once (pg_migrate.*, application_name): a migration statement naming one forgets it */
	std::map<std::string, std::optional<std::string>> settings_read;
	/*
	 * SET LOCALs a popped nest level would undo, not undone yet: the next
	 * section sets the same value again (lock_timeout, once per migration),
	 * so the restore is sent only before a statement of the caller's.
	 */
	std::vector<SavedSetting> pending_restores;
	/*
	 * pg::StartTransaction() (the runner's) asks for a transaction block; it
	 * is opened by the first statement that needs one, so a top-level
	 * statement between start and commit (CREATE INDEX CONCURRENTLY) runs
	 * outside any block, as the server's runner runs it.
	 */
	bool block_wanted = false, block_open = false;
	/*
	 * Relations MayWaitForLock() found created or altered by this
	 * transaction: it holds their lock until it ends, so they are not asked
	 * about again (a batch alters the tables it created many times). Emptied
	 * when the transaction or a savepoint ends in a rollback, and by a
	 * statement that may make a name mean another relation.
	 */
	std::set<std::string> locked_here;
};

thread_local HostState state;

std::vector<Row>
RowsOf(const Result &r)
{
	std::vector<Row> rows(static_cast<std::size_t>(r.Rows()));
	for (int i = 0; i < r.Rows(); i++) {
		Row &row = rows[static_cast<std::size_t>(i)];
		row.reserve(static_cast<std::size_t>(r.Columns()));
		for (int c = 0; c < r.Columns(); c++)
			row.push_back(r.IsNull(i, c) ? Value() : Value(r.Get(i, c)));
	}
	return rows;
}

/* Runs fn (a libpq call that may throw SqlError); a server error is raised again as the engine expects. */
template <typename Fn>
Result
Checked(Fn fn, const std::string *query = nullptr)
{
	std::optional<SqlError> failed;
	try {
		return fn();
	} catch (const SqlError &e) {
		failed = e;
	}
	RaiseServerError(*failed, query);
}

/* Opens the transaction block pg::StartTransaction() asked for, before the first statement inside it. */
void
OpenWantedBlock()
{
	if (!state.block_wanted || state.block_open)
		return;
	state.block_open = true;
	Checked([] { return HostConnection().Exec("BEGIN"); });
}

/* What a transaction's end undoes: its SET LOCALs, its savepoints. */
void
TransactionEnded()
{
	state.block_wanted = state.block_open = false;
	state.path = Path::kCaller;
	state.savepoints.clear();
	state.settings.clear();
	state.pending_restores.clear(); /* the transaction's end undid them */
	state.current_user = InvalidOid;
	state.locked_here.clear();
}

Result
Run(const std::string &sql, const std::vector<Value> &args)
{
	OpenWantedBlock();
	return Checked([&] { return HostConnection().ExecText(sql, args); });
}

/* Puts the search_path the next statement needs in force: the catalog scope's, or the caller's. */
void
EnsurePath(Path wanted)
{
	if (state.path == wanted)
		return;
	if (wanted == Path::kCatalog) {
		Result r = Run("SELECT pg_catalog.current_setting('search_path'), "
		               "pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true)",
		               {});
		state.caller_path = r.Get(0, 0);
	} else {
		Run("SELECT pg_catalog.set_config('search_path', $1, true)", {state.caller_path});
	}
	state.path = wanted;
}

Result
RunInScope(const char *sql, const std::vector<Value> &args)
{
	EnsurePath(state.scope_depth > 0 ? Path::kCatalog : Path::kCaller);
	return Run(sql, args);
}

std::string
Lower(const char *s)
{
	std::string out = s;
	for (char &c : out)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	return out;
}

/* Sends the restores popped nest levels still owe, before a statement of the caller's runs. */
void
FlushRestores()
{
	while (!state.pending_restores.empty()) {
		SavedSetting s = state.pending_restores.back();
		state.pending_restores.pop_back();
		Run("SELECT pg_catalog.set_config($1, $2, true)", {s.name, s.old_value});
	}
}

/*
 * A statement of the caller's may change a setting read once: forget the
 * ones it names; and one that renames, drops or changes search_path may make
 * a name another relation: forget which relations this transaction holds.
 */
void
ForgetSettingsNamedIn(const std::string &sql)
{
	std::string lower = Lower(sql.c_str());
	if (lower.find("search_path") != std::string::npos || lower.find("rename") != std::string::npos ||
	    lower.find("drop") != std::string::npos)
		state.locked_here.clear();
	for (auto it = state.settings_read.begin(); it != state.settings_read.end();)
		it = lower.find(it->first) != std::string::npos || lower.find("pg_migrate") != std::string::npos
		         ? state.settings_read.erase(it)
		         : std::next(it);
}

/* A query that reads only pg_catalog-qualified names: it runs under whichever search_path is in force. */
Value
Scalar(const char *sql, const std::vector<Value> &args = {})
{
	Result r = Run(sql, args);
	if (r.Rows() == 0 || r.IsNull(0, 0))
		return Value();
	return r.Get(0, 0);
}

Oid
ToOid(const Value &v)
{
	return v ? static_cast<Oid>(std::stoul(*v)) : InvalidOid;
}

/* A WARNING or NOTICE as the server would have sent it (the client's notice handler formats and collects them). */
void
Deliver(const char *severity, const std::string &sqlstate, const std::string &message, const std::string &detail,
        const std::string &hint)
{
	client::Notice notice;
	notice.severity = severity;
	notice.sqlstate = sqlstate;
	notice.message = message;
	notice.detail = detail;
	notice.hint = hint;
	notice.text = std::string(severity) + ":  " + message;
	if (!detail.empty())
		notice.text += "\nDETAIL:  " + detail;
	if (!hint.empty())
		notice.text += "\nHINT:  " + hint;
	HostConnection().Notify(notice);
}

std::string
Text(const char *s)
{
	return s != nullptr ? s : "";
}

} // namespace

namespace client::engine {

/* A fresh HostSession starts from what the server has: the caller's search_path, no savepoint, no setting. */
void
ResetHostState()
{
	state = HostState();
}

std::optional<std::string>
SessionSetting(const std::string &name)
{
	auto found = state.settings_read.find(name);
	if (found != state.settings_read.end())
		return found->second;
	Result r = Run("SELECT pg_catalog.current_setting($1, true)", {name});
	std::optional<std::string> value;
	if (r.Rows() > 0 && !r.IsNull(0, 0))
		value = r.Get(0, 0);
	state.settings_read[name] = value;
	return value;
}

void
EnsureCallerSearchPath()
{
	if (state.path == Path::kCatalog)
		EnsurePath(Path::kCaller);
}

} // namespace client::engine

namespace pg {

std::vector<Row>
Query(const char *sql, std::initializer_list<Value> args)
{
	return RowsOf(RunInScope(sql, std::vector<Value>(args)));
}

void
Exec(const char *sql, std::initializer_list<Value> args)
{
	RunInScope(sql, std::vector<Value>(args));
}

void
Exec(const char *sql, const std::vector<Value> &args)
{
	RunInScope(sql, args);
}

std::vector<Row>
QueryColumns(const char *sql, const std::vector<std::vector<Value>> &columns)
{
	EnsurePath(state.scope_depth > 0 ? Path::kCatalog : Path::kCaller);
	std::vector<Param> arrays;
	arrays.reserve(columns.size());
	for (const std::vector<Value> &column : columns)
		arrays.emplace_back(client::TextArrayBinaryWithNulls(column));
	return RowsOf(Checked([&] { return HostConnection().ExecTextArrays(sql, arrays); }));
}

void
ExecColumns(const char *sql, const std::vector<std::vector<Value>> &columns)
{
	QueryColumns(sql, columns);
}

CatalogScope::CatalogScope()
{
	state.scope_depth++;
}

CatalogScope::~CatalogScope()
{
	/* the caller's search_path comes back when a statement of the caller's needs it (EnsurePath) */
	state.scope_depth--;
}

SubtransactionFrame
BeginSubtransaction()
{
	std::string name = "pg_migrate_" + std::to_string(state.savepoints.size() + 1);
	Run("SAVEPOINT " + name, {});
	state.savepoints.push_back({state.path, state.caller_path, state.settings.size()});
	SubtransactionEpoch()++;
	return SubtransactionFrame{nullptr, nullptr};
}

void
ReleaseSubtransaction(const SubtransactionFrame &)
{
	if (state.savepoints.empty())
		throw std::logic_error("client engine: no savepoint to release");
	Run("RELEASE SAVEPOINT pg_migrate_" + std::to_string(state.savepoints.size()), {});
	state.savepoints.pop_back();
	SubtransactionEpoch()++;
}

void
RollbackSubtransaction(const SubtransactionFrame &)
{
	if (state.savepoints.empty())
		throw std::logic_error("client engine: no savepoint to roll back");
	std::string name = "pg_migrate_" + std::to_string(state.savepoints.size());
	Run("ROLLBACK TO SAVEPOINT " + name, {});
	Run("RELEASE SAVEPOINT " + name, {});
	/* what the savepoint's SET LOCALs changed is undone with it: the state of its start holds again */
	const SavepointState &saved = state.savepoints.back();
	state.path = saved.path;
	state.caller_path = saved.caller_path;
	if (state.settings.size() > saved.settings)
		state.settings.resize(saved.settings);
	state.savepoints.pop_back();
	state.current_user = InvalidOid;
	state.locked_here.clear(); /* what the savepoint created is gone */
	SubtransactionEpoch()++;
}

bool
CatalogHasColumn(const char *table, const char *column)
{
	return Scalar("SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
	              "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	              "WHERE n.nspname = 'migrate' AND c.relname = $1 AND a.attname = $2 AND a.attnum > 0 "
	              "AND NOT a.attisdropped",
	              {std::string(table), std::string(column)})
	    .has_value();
}

void
LockMigrations()
{
	Run("SELECT pg_catalog.pg_advisory_xact_lock(" + std::to_string(kLockClass) + ", " +
	        std::to_string(kLockMigrations) + ")",
	    {});
}

int
PushSettings()
{
	return ++state.settings_level;
}

void
SetSetting(const char *name, const std::string &value)
{
	std::string key = Lower(name);
	/* the value a pending restore would have undone is asked for again: keep it, and what to restore */
	for (auto it = state.pending_restores.begin(); it != state.pending_restores.end(); ++it) {
		if (it->name != key)
			continue;
		SavedSetting restore = *it;
		state.pending_restores.erase(it);
		if (restore.value != value)
			Run("SELECT pg_catalog.set_config($1, $2, true)", {key, value});
		state.settings.push_back({state.settings_level, key, restore.old_value, value});
		return;
	}
	Result r = Run("SELECT pg_catalog.current_setting($1), pg_catalog.set_config($1, $2, true)", {key, value});
	state.settings.push_back({state.settings_level, key, r.Get(0, 0), value});
}

void
PopSettings(int nest_level) noexcept
{
	while (!state.settings.empty() && state.settings.back().level >= nest_level) {
		state.pending_restores.push_back(state.settings.back());
		state.settings.pop_back();
	}
	state.settings_level = nest_level - 1;
}

namespace {

/* The current role's oid and name, read in one query and kept until a statement of the caller's runs. */
void
ReadCurrentRole()
{
	if (OidIsValid(state.current_user))
		return;
	Result r = Run("SELECT current_user::regrole::oid, current_user::text", {});
	state.current_user = static_cast<Oid>(std::stoul(r.Get(0, 0)));
	state.current_role_name = r.Get(0, 1);
}

} // namespace

std::string
CurrentRoleName()
{
	ReadCurrentRole();
	return state.current_role_name;
}

std::string
RoleName(Oid role)
{
	return Scalar("SELECT rolname::text FROM pg_catalog.pg_roles WHERE oid = $1::oid", {std::to_string(role)})
	    .value_or("");
}

Oid
CurrentUserOid()
{
	ReadCurrentRole();
	return state.current_user;
}

std::uint64_t
CurrentSubtransactionScope()
{
	return SubtransactionEpoch();
}

Oid
SessionUserOid()
{
	return ToOid(Scalar("SELECT session_user::regrole::oid"));
}

bool
HasPrivilegesOf(Oid role, Oid other)
{
	return OidIsValid(role) && Scalar("SELECT pg_catalog.pg_has_role($1::oid, $2::oid, 'USAGE')",
	                                  {std::to_string(role), std::to_string(other)}) == Value("t");
}

bool
CanBecome(Oid session_user, Oid role)
{
	return session_user == role || HasPrivilegesOf(session_user, role);
}

Oid
DatabaseOid()
{
	return ToOid(Scalar("SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()"));
}

std::string
CurrentSearchPath()
{
	if (state.path == Path::kCatalog)
		return state.caller_path;
	return Scalar("SELECT pg_catalog.current_setting('search_path')").value_or("");
}

bool
TryRunnerLock(int32 key)
{
	return Scalar("SELECT pg_catalog.pg_try_advisory_lock($1::int, $2::int)",
	              {std::to_string(kLockClass), std::to_string(key)}) == Value("t");
}

void
ReleaseRunnerLock(int32 key)
{
	Run("SELECT pg_catalog.pg_advisory_unlock($1::int, $2::int)", {std::to_string(kLockClass), std::to_string(key)});
}

bool
MayWaitForLock(const std::string &schema, const std::string &name)
{
	EnsurePath(Path::kCaller); /* the name resolves as the statement will resolve it */
	/* created or altered by this transaction (its pg_class row is ours, not committed yet): it holds the lock */
	static const std::string kSql =
	    "SELECT " + XminIsOursSql("c.xmin") +
	    " FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass(CASE WHEN $1 = '' "
	    "THEN pg_catalog.quote_ident($2) ELSE pg_catalog.quote_ident($1) || '.' || "
	    "pg_catalog.quote_ident($2) END)";
	std::string key = schema + '\x1f' + name;
	if (state.locked_here.count(key) > 0)
		return false;
	Value ours = Scalar(kSql.c_str(), {schema, name});
	if (ours == Value("t"))
		state.locked_here.insert(key);
	return ours == Value("f");
}

std::string
LockHolders(const std::string &schema, const std::string &name)
{
	EnsurePath(Path::kCaller);
	return Scalar("SELECT pg_catalog.string_agg('pid ' || a.pid || ' (' || coalesce(a.usename::text, '?') || ', ' || "
	              "coalesce(a.state, '?') || ')', '; ' ORDER BY a.pid) "
	              "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
	              "WHERE l.granted AND l.pid <> pg_catalog.pg_backend_pid() AND l.relation = "
	              "pg_catalog.to_regclass(CASE WHEN $1 = '' THEN pg_catalog.quote_ident($2) "
	              "ELSE pg_catalog.quote_ident($1) || '.' || pg_catalog.quote_ident($2) END)",
	              {schema, name})
	    .value_or("");
}

void
SleepMilliseconds(long ms)
{
	std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

void
ReportActivity(const std::string &)
{
	/* the client's own statements show in pg_stat_activity as they run */
}

void
RunTopLevel(const std::string &sql)
{
	if (state.block_open)
		throw std::logic_error("client engine: a top-level statement inside a transaction block");
	state.block_wanted = false; /* the statement is its own transaction; the runner commits nothing after it */
	FlushRestores();
	ForgetSettingsNamedIn(sql);
	state.current_user = InvalidOid;
	Checked([&] { return std::move(HostConnection().ExecAll(sql).back()); }, &sql);
}

std::optional<bool>
RunStatement(const std::string &sql, bool first_value)
{
	EnsurePath(Path::kCaller);
	FlushRestores();
	ForgetSettingsNamedIn(sql);
	/*
	 * The simple query protocol, as psql sends a file's statements, with the
	 * role check after it in the same round trip (the engine asks right
	 * after: a statement may have changed the role). The split statement is
	 * whole, so nothing of it can swallow the line that follows.
	 */
	std::string batch = sql + "\n;\nSELECT current_user::regrole::oid, current_user::text";
	std::vector<Result> results;
	std::optional<SqlError> failed;
	try {
		results = HostConnection().ExecAll(batch);
	} catch (const SqlError &e) {
		failed = e;
	}
	state.current_user = InvalidOid;
	if (failed)
		RaiseServerError(*failed, &sql);
	const Result &role = results.back();
	state.current_user = static_cast<Oid>(std::stoul(role.Get(0, 0)));
	state.current_role_name = role.Get(0, 1);
	const Result &r = results[results.size() - 2];
	if (!first_value || r.Rows() == 0 || r.Columns() < 1 || r.ColumnType(0) != 16 /* BOOLOID */ || r.IsNull(0, 0))
		return std::nullopt;
	return r.Get(0, 0) == "t";
}

void
StartTransaction()
{
	state.block_wanted = true;
}

void
CommitTransaction()
{
	bool open = state.block_open;
	TransactionEnded();
	if (open)
		Checked([] { return HostConnection().Exec("COMMIT"); });
}

void
AbortTransaction() noexcept
{
	bool open = state.block_open;
	TransactionEnded();
	try {
		if (open)
			HostConnection().Exec("ROLLBACK");
	} catch (...) {
		/* a lost connection rolled it back */
	}
}

/* SPI's snapshot and connection have no counterpart on a client connection. */
void
PushSnapshot()
{}

void
PopSnapshot()
{}

SpiSession::SpiSession() : connected_(true) {}

SpiSession::~SpiSession() = default;

void
SpiSession::Finish()
{
	connected_ = false;
}

void
SetSessionSetting(const char *name, const std::string &value)
{
	/* a session-level SET: it needs no transaction block, and a top-level statement may follow it */
	Checked([&] {
		return HostConnection().ExecText("SELECT pg_catalog.set_config($1, $2, false)", {Lower(name), value});
	});
	if (Lower(name) == "search_path")
		state.path = Path::kCaller;
	if (Lower(name) == "role")
		state.current_user = InvalidOid;
}

std::string
ApplicationName()
{
	return client::engine::SessionSetting("application_name").value_or("");
}

std::string
CurrentQuery()
{
	return "";
}

TimestampTz
Now()
{
	/* microseconds since 2000-01-01 00:00 UTC, PostgreSQL's epoch */
	using namespace std::chrono;
	constexpr long long kUnixTo2000 = 946684800LL * 1000000LL;
	return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() - kUnixTo2000;
}

double
MillisecondsBetween(TimestampTz start, TimestampTz end)
{
	return static_cast<double>(end - start) / 1000.0;
}

std::string
ServerToUtf8(const std::string &text)
{
	return text; /* the client's connection speaks UTF8 (client_encoding) */
}

std::string
Utf8ToServer(const std::string &text)
{
	return text;
}

std::string
Sha256Hex(const std::string &text)
{
	return client::Sha256Hex(text);
}

void
Notice(const std::string &message)
{
	Deliver("NOTICE", "00000", message, "", "");
}

void
Warning(const std::string &message, int sqlstate)
{
	Deliver("WARNING", sqlstate != 0 ? unpack_sql_state(sqlstate) : "01000", message, "", "");
}

void
ReportAsWarning(ErrorData *edata)
{
	Deliver("WARNING", unpack_sql_state(edata->sqlerrcode), Text(edata->message), Text(edata->detail),
	        Text(edata->hint));
}

} // namespace pg
} // namespace pgmigrate

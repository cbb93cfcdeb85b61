/*
 * pg_api.cpp — guarded wrappers around SPI, GUCs, locks and hashing.
 *
 * Each function does its PostgreSQL work inside pg::Call and hands back C++
 * values. Inside a Call, results are written straight into objects that live
 * outside it, so a longjmp never skips the destructor of a live C++ temporary.
 */
#include "pg_api.hpp"

#include <unordered_map>

extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "executor/tstoreReceiver.h"
#include "nodes/params.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timeout.h"
#include "storage/proc.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"
#include "parser/analyze.h"
#include "pgstat.h"
#include "tcop/pquery.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/portal.h"
#include "utils/snapmgr.h"
#include "access/transam.h"
#include "access/htup_details.h"
#include "nodes/makefuncs.h"
#include "storage/latch.h"
#include "utils/wait_event.h"
}

#include "pg_compat.hpp"

namespace pgmigrate {
namespace pg {

namespace {

constexpr int kMaxArgs = 32;

/* Saved SPI plans, keyed by the address of their SQL literal. */
std::unordered_map<const char *, SPIPlanPtr> saved_plans;

Oid
CatalogOwner()
{
	Oid schema = get_namespace_oid("migrate", false); /* fixed by pg_migrate.control */
	Oid history = get_relname_relid("history", schema);
	if (!OidIsValid(history))
		elog(ERROR, "pg_migrate catalog table migrate.history is missing");
	HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(history));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", history);
	Oid owner = ((Form_pg_class)GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

/* The saved plan for sql, prepared on first use with every argument of one type (text, or text[]). */
SPIPlanPtr
SavedPlan(const char *sql, int nargs, Oid type = TEXTOID)
{
	auto found = saved_plans.find(sql);
	if (found != saved_plans.end())
		return found->second;
	Oid types[kMaxArgs];
	for (int i = 0; i < nargs; i++)
		types[i] = type;
	/*
	 * text[] parameters carry whole uploads: a custom plan would fold each
	 * array into a constant and copy it along with the plan (megabytes per
	 * call); the generic plan reads them as parameters.
	 */
	int options = type == TEXTARRAYOID ? CURSOR_OPT_GENERIC_PLAN : 0;
	SPIPlanPtr plan = SPI_prepare_cursor(sql, nargs, types, options);
	if (plan == nullptr)
		elog(ERROR, "pg_migrate: could not prepare internal query: %s", SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	saved_plans[sql] = plan;
	return plan;
}

/*
 * Runs the saved plan of sql, its count parameters all of one type, each
 * set by fill(i, param). Rows go to dest when given (no SPI_tuptable copy),
 * else into SPI_tuptable.
 */
template <typename FillParam>
void
RunSavedPlan(const char *sql, std::size_t count, Oid type, FillParam fill, DestReceiver *dest = nullptr)
{
	if (count > static_cast<std::size_t>(kMaxArgs))
		elog(ERROR, "pg_migrate: too many query arguments");
	int nargs = static_cast<int>(count);
	SPIPlanPtr plan = SavedPlan(sql, nargs, type);
	ParamListInfo params = makeParamList(nargs);
	for (int i = 0; i < nargs; i++) {
		ParamExternData &param = params->params[i];
		fill(static_cast<std::size_t>(i), param);
		param.pflags = PARAM_FLAG_CONST;
		param.ptype = type;
	}
	SPIExecuteOptions options = {};
	options.params = params;
	options.dest = dest;
	int rc = SPI_execute_plan_extended(plan, &options);
	if (rc < 0)
		elog(ERROR, "pg_migrate: internal query failed: %s", SPI_result_code_string(rc));
}

/* The saved plan of sql with text parameters args. */
void
ExecutePlan(const char *sql, const Value *args, std::size_t count, DestReceiver *dest = nullptr)
{
	RunSavedPlan(
	    sql, count, TEXTOID,
	    [&](std::size_t i, ParamExternData &param) {
		    param.value = args[i] ? CStringGetTextDatum(args[i]->c_str()) : (Datum)0;
		    param.isnull = !args[i];
	    },
	    dest);
}

/* A one-dimensional text[] of values, NULL elements kept. */
Datum
TextArrayDatum(const std::vector<Value> &values)
{
	int count = static_cast<int>(values.size());
	Datum *elems = static_cast<Datum *>(palloc(sizeof(Datum) * (count > 0 ? count : 1)));
	bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * (count > 0 ? count : 1)));
	for (int e = 0; e < count; e++) {
		const Value &v = values[static_cast<std::size_t>(e)];
		nulls[e] = !v;
		elems[e] = v ? PointerGetDatum(cstring_to_text_with_len(v->data(), static_cast<int>(v->size()))) : (Datum)0;
	}
	int dims[1] = {count};
	int lbs[1] = {1};
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
}

/* Copies SPI_tuptable's rows as text into *rows (inside a Call) and frees the table. */
void
TakeRows(std::vector<Row> *rows)
{
	SPITupleTable *table = SPI_tuptable;
	if (table == nullptr)
		return;
	int natts = table->tupdesc->natts;
	rows->reserve(SPI_processed);
	for (uint64 r = 0; r < SPI_processed; r++) {
		rows->emplace_back();
		rows->back().reserve(natts);
		for (int c = 1; c <= natts; c++) {
			char *value = SPI_getvalue(table->vals[r], table->tupdesc, c);
			if (value == nullptr)
				rows->back().emplace_back(std::nullopt);
			else
				rows->back().emplace_back(std::string(value));
		}
	}
	SPI_freetuptable(table);
}

} // namespace

SpiSession::SpiSession()
{
	Call([] {
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "pg_migrate: SPI_connect failed");
	});
	connected_ = true;
}

SpiSession::~SpiSession()
{
	/*
	 * On an error path the transaction abort disconnects SPI; on the normal
	 * path Finish() has run. Nothing to do here that could ereport.
	 */
}

void
SpiSession::Finish()
{
	if (!connected_)
		return;
	connected_ = false;
	Call([] {
		int rc = SPI_finish();
		Assert(rc == SPI_OK_FINISH);
		(void)rc;
	});
}

CatalogScope::CatalogScope()
{
	Call([this] {
		Oid owner = CatalogOwner();
		GetUserIdAndSecContext(&saved_user_, &saved_sec_context_);
		guc_nest_level_ = NewGUCNestLevel();
		(void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true,
		                        0, false);
		SetUserIdAndSecContext(owner, saved_sec_context_ | SECURITY_LOCAL_USERID_CHANGE);
	});
}

CatalogScope::~CatalogScope()
{
	SetUserIdAndSecContext(saved_user_, saved_sec_context_);
	PopSettings(guc_nest_level_);
}

std::vector<Row>
Query(const char *sql, std::initializer_list<Value> args)
{
	std::vector<Row> rows;
	Call([&] {
		ExecutePlan(sql, args.begin(), args.size());
		TakeRows(&rows);
	});
	return rows;
}

namespace {

void
ExecWithoutRows(const char *sql, const Value *args, std::size_t count)
{
	Call([&] {
		ExecutePlan(sql, args, count);
		if (SPI_tuptable != nullptr)
			SPI_freetuptable(SPI_tuptable);
	});
}

} // namespace

void
Exec(const char *sql, std::initializer_list<Value> args)
{
	ExecWithoutRows(sql, args.begin(), args.size());
}

void
Exec(const char *sql, const std::vector<Value> &args)
{
	ExecWithoutRows(sql, args.data(), args.size());
}

namespace {

/* Runs the saved plan of sql with column i as its text[] parameter $i+1; rows are left in SPI_tuptable. */
void
ExecutePlanColumns(const char *sql, const std::vector<std::vector<Value>> &columns)
{
	RunSavedPlan(sql, columns.size(), TEXTARRAYOID, [&](std::size_t i, ParamExternData &param) {
		param.value = TextArrayDatum(columns[i]);
		param.isnull = false;
	});
}

} // namespace

void
ExecColumns(const char *sql, const std::vector<std::vector<Value>> &columns)
{
	Call([&] {
		ExecutePlanColumns(sql, columns);
		if (SPI_tuptable != nullptr)
			SPI_freetuptable(SPI_tuptable);
	});
}

std::vector<Row>
QueryColumns(const char *sql, const std::vector<std::vector<Value>> &columns)
{
	std::vector<Row> rows;
	Call([&] {
		ExecutePlanColumns(sql, columns);
		TakeRows(&rows);
	});
	return rows;
}

void
QueryIntoResult(FunctionCallInfo fcinfo, const char *sql, std::initializer_list<Value> args)
{
	Call([&] {
		/* Rows go straight into the function's result, not through SPI_tuptable first. */
		auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
		DestReceiver *dest = CreateDestReceiver(DestTuplestore);
		SetTuplestoreDestReceiverParams(dest, rsinfo->setResult, rsinfo->econtext->ecxt_per_query_memory, false,
		                                nullptr, nullptr);
		ExecutePlan(sql, args.begin(), args.size(), dest);
		dest->rDestroy(dest);
	});
}

ResultSet::ResultSet(FunctionCallInfo fcinfo) : fcinfo_(fcinfo)
{
	Call([this] {
		InitMaterializedSRF(fcinfo_, 0);
		auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo_->resultinfo);
		MemoryContext old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
		attinmeta_ = TupleDescGetAttInMetadata(rsinfo->setDesc);
		MemoryContextSwitchTo(old);
	});
}

void
ResultSet::Add(const Row &row)
{
	Call([&] {
		auto *meta = static_cast<AttInMetadata *>(attinmeta_);
		auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo_->resultinfo);
		int natts = meta->tupdesc->natts;
		/* The constructor made the tuplestore (InitMaterializedSRF). */
		Assert(rsinfo->setResult != nullptr);
		char **values = static_cast<char **>(palloc0(sizeof(char *) * natts));
		for (int i = 0; i < natts && i < static_cast<int>(row.size()); i++)
			values[i] = row[i] ? pstrdup(row[i]->c_str()) : nullptr;
		HeapTuple tuple = BuildTupleFromCStrings(meta, values);
		tuplestore_puttuple(rsinfo->setResult, tuple);
	});
}

SubtransactionFrame
BeginSubtransaction()
{
	SubtransactionFrame frame{CurrentMemoryContext, CurrentResourceOwner};
	Call([] {
		MemoryContext old = CurrentMemoryContext;
		BeginInternalSubTransaction(nullptr);
		MemoryContextSwitchTo(old);
	});
	return frame;
}

void
ReleaseSubtransaction(const SubtransactionFrame &frame)
{
	Call([&] {
		Assert(IsSubTransaction());
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(frame.context);
		CurrentResourceOwner = frame.owner;
	});
}

void
RollbackSubtransaction(const SubtransactionFrame &frame)
{
	Call([&] {
		Assert(IsSubTransaction());
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(frame.context);
		CurrentResourceOwner = frame.owner;
	});
}

bool
CatalogHasColumn(const char *table, const char *column)
{
	return Call([&] {
		Oid relation = get_relname_relid(table, get_namespace_oid("migrate", false));
		return OidIsValid(relation) && get_attnum(relation, column) != InvalidAttrNumber;
	});
}

void
LockMigrations()
{
	Call([] {
		DirectFunctionCall2(pg_advisory_xact_lock_int4, Int32GetDatum(kLockClass), Int32GetDatum(kLockMigrations));
	});
}

int
PushSettings()
{
	return Call([] { return NewGUCNestLevel(); });
}

void
SetSetting(const char *name, const std::string &value)
{
	Call([&] {
		(void)set_config_option(name, value.c_str(), PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	});
}

void
PopSettings(int nest_level) noexcept
{
	/* Called from destructors: an error here is logged, never thrown. */
	Assert(nest_level > 0);
	MemoryContext context = CurrentMemoryContext;
	PG_TRY();
	{
		AtEOXact_GUC(true, nest_level);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(context);
		EmitErrorReport();
		FlushErrorState();
	}
	PG_END_TRY();
}

std::string
CurrentRoleName()
{
	std::string name;
	Call([&] { name = GetUserNameFromId(GetUserId(), false); });
	return name;
}

std::string
RoleName(Oid role)
{
	std::string name;
	Call([&] { name = GetUserNameFromId(role, false); });
	return name;
}

Oid
CurrentUserOid()
{
	return GetUserId();
}

std::uint64_t
CurrentSubtransactionScope()
{
	return (static_cast<std::uint64_t>(compat::LocalXid(MyProc)) << 32) | GetCurrentSubTransactionId();
}

Oid
SessionUserOid()
{
	return GetSessionUserId();
}

bool
HasPrivilegesOf(Oid role, Oid other)
{
	return Call([&] { return OidIsValid(role) && has_privs_of_role(role, other); });
}

bool
CanBecome(Oid session_user, Oid role)
{
	return Call([&] { return session_user == role || compat::CanSetRole(session_user, role); });
}

Oid
DatabaseOid()
{
	return MyDatabaseId;
}

std::string
CurrentSearchPath()
{
	std::string path;
	Call([&] { path = GetConfigOption("search_path", false, false); });
	return path;
}

void
StartTransaction()
{
	Call([] {
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
	});
}

void
CommitTransaction()
{
	Call([] { CommitTransactionCommand(); });
}

void
AbortTransaction() noexcept
{
	MemoryContext context = CurrentMemoryContext;
	PG_TRY();
	{
		AbortCurrentTransaction();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(context);
		EmitErrorReport();
		FlushErrorState();
	}
	PG_END_TRY();
}

void
PushSnapshot()
{
	Call([] { PushActiveSnapshot(GetTransactionSnapshot()); });
}

void
PopSnapshot()
{
	Call([] { PopActiveSnapshot(); });
}

void
SetSessionSetting(const char *name, const std::string &value)
{
	Call([&] {
		(void)set_config_option(name, value.c_str(), PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SET, true, 0, false);
	});
}

bool
TryRunnerLock(int32 key)
{
	return Call([&] {
		return DatumGetBool(
		    DirectFunctionCall2(pg_try_advisory_lock_int4, Int32GetDatum(kLockClass), Int32GetDatum(key)));
	});
}

void
ReleaseRunnerLock(int32 key)
{
	Call([&] { DirectFunctionCall2(pg_advisory_unlock_int4, Int32GetDatum(kLockClass), Int32GetDatum(key)); });
}

bool
MayWaitForLock(const std::string &schema, const std::string &name)
{
	return Call([&] {
		RangeVar *rv = makeRangeVar(schema.empty() ? nullptr : pstrdup(schema.c_str()), pstrdup(name.c_str()), -1);
		Oid rel = RangeVarGetRelid(rv, NoLock, true);
		if (!OidIsValid(rel))
			return false;
		HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(rel));
		if (!HeapTupleIsValid(tuple))
			return false;
		TransactionId xmin = HeapTupleHeaderGetXmin(tuple->t_data);
		ReleaseSysCache(tuple);
		/* Created or altered by this transaction: it already holds the lock. */
		return !TransactionIdIsCurrentTransactionId(xmin);
	});
}

std::string
LockHolders(const std::string &schema, const std::string &name)
{
	/* Resolved with the caller's search_path, as the statement itself resolved it. */
	Oid rel = Call([&] {
		RangeVar *rv = makeRangeVar(schema.empty() ? nullptr : pstrdup(schema.c_str()), pstrdup(name.c_str()), -1);
		return RangeVarGetRelid(rv, NoLock, true);
	});
	if (!OidIsValid(rel))
		return std::string();
	/*
	 * Read as the extension owner, shown to the caller: a blocker's query text
	 * only where pg_stat_activity would show it to the caller (its own roles,
	 * or pg_read_all_stats); pid, role, state and duration for every blocker.
	 */
	Oid caller = GetUserId();
	CatalogScope scope;
	auto rows =
	    Query("SELECT pg_catalog.string_agg('pid ' || a.pid || ' (' || coalesce(a.usename::text, '?') || ', ' || "
	          "coalesce(a.state, '?') || ' for ' || "
	          "coalesce(pg_catalog.date_trunc('second', pg_catalog.now() - a.state_change)::text, '?') || ')' || "
	          "CASE WHEN a.usesysid IS NOT NULL AND (pg_catalog.pg_has_role($2::oid, a.usesysid, 'USAGE') OR "
	          "pg_catalog.pg_has_role($2::oid, 'pg_read_all_stats', 'USAGE')) "
	          "THEN ': ' || pg_catalog.left(a.query, 200) ELSE '' END, '; ' ORDER BY a.pid) "
	          "FROM pg_catalog.pg_stat_activity a WHERE a.pid IN (SELECT l.pid FROM pg_catalog.pg_locks l "
	          "WHERE l.granted AND l.pid <> pg_catalog.pg_backend_pid() AND l.relation = $1::oid)",
	          {std::to_string(rel), std::to_string(caller)});
	return !rows.empty() && rows[0][0] ? *rows[0][0] : std::string();
}

void
SleepMilliseconds(long ms)
{
	Call([&] {
		(void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	});
}

void
ReportActivity(const std::string &sql)
{
	Call(
	    [&] { pgstat_report_activity(sql.empty() ? STATE_IDLE : STATE_RUNNING, sql.empty() ? nullptr : sql.c_str()); });
}

std::optional<bool>
RunStatement(const std::string &sql, bool first_value)
{
	/*
	 * up/down rows go nowhere, as psql would print and forget them: a data
	 * migration running SELECT f(id) FROM big_table must not collect its
	 * result in memory. verify keeps its rows to read the first one.
	 */
	SPIExecuteOptions options;
	memset(&options, 0, sizeof(options));
	options.read_only = false;
	options.dest = first_value ? nullptr : CreateDestReceiver(DestNone);
	int rc = SPI_execute_extended(sql.c_str(), &options);
	if (rc < 0)
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("statement cannot run inside a migration: %s", SPI_result_code_string(rc))));
	std::optional<bool> first;
	if (first_value && SPI_tuptable != nullptr && SPI_processed > 0 && SPI_tuptable->tupdesc->natts >= 1 &&
	    SPI_gettypeid(SPI_tuptable->tupdesc, 1) == BOOLOID) {
		bool isnull = false;
		Datum value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			first = DatumGetBool(value);
	}
	if (SPI_tuptable != nullptr)
		SPI_freetuptable(SPI_tuptable);
	return first;
}

void
RunTopLevel(const std::string &sql)
{
	Call([&] {
		/*
		 * Parse trees and plans must outlive the transactions a CONCURRENTLY
		 * statement commits and starts inside PortalRun.
		 */
		static MemoryContext statement_context = nullptr;
		if (statement_context == nullptr)
			statement_context =
			    AllocSetContextCreate(TopMemoryContext, "pg_migrate runner statement", ALLOCSET_DEFAULT_SIZES);
		/* Reset here, not at the end: after an error the aborting transaction may still look at the portal. */
		MemoryContextReset(statement_context);
		MemoryContext old = MemoryContextSwitchTo(statement_context);
		List *parsed = pg_parse_query(sql.c_str());
		if (list_length(parsed) != 1)
			elog(ERROR, "pg_migrate runner: expected one statement, got %d", list_length(parsed));
		RawStmt *raw = linitial_node(RawStmt, parsed);
		CommandTag tag = CreateCommandTag(raw->stmt);
		bool snapshot = analyze_requires_snapshot(raw);
		if (snapshot)
			PushActiveSnapshot(GetTransactionSnapshot());
		List *queries = pg_analyze_and_rewrite_fixedparams(raw, sql.c_str(), nullptr, 0, nullptr);
		List *plans = pg_plan_queries(queries, sql.c_str(), CURSOR_OPT_PARALLEL_OK, nullptr);
		if (snapshot)
			PopActiveSnapshot();

		Portal portal = CreatePortal("", true, true);
		portal->visible = false;
		PortalDefineQuery(portal, nullptr, sql.c_str(), tag, plans, nullptr);
		PortalStart(portal, nullptr, 0, InvalidSnapshot);
		DestReceiver *dest = CreateDestReceiver(DestNone);
		QueryCompletion qc;
		InitializeQueryCompletion(&qc);
		/* statement_timeout, as a client session's statement gets it (the timer is ours to arm here). */
		if (StatementTimeout > 0)
			enable_timeout_after(STATEMENT_TIMEOUT, StatementTimeout);
		Oid role = GetUserId();
		(void)compat::RunPortal(portal, dest, &qc);
		if (StatementTimeout > 0)
			disable_timeout(STATEMENT_TIMEOUT, false);
		/* The runner is the queuer's role: a statement may not leave it as another (set_config('role', ...)). */
		if (GetUserId() != role)
			ereport(ERROR, (errcode(MG_UNTRUSTED_AUTHOR), errmsg("the statement changed the current role"),
			                errhint("A migration runs as the role that applies it; it cannot change roles.")));
		PortalDrop(portal, false);
		/*
		 * Not back to the context current at entry: a statement that committed
		 * on its own (CONCURRENTLY, VACUUM, COMMIT in a procedure) freed it with
		 * its transaction. The transaction running now has its own.
		 */
		(void)old;
		MemoryContextSwitchTo(TopTransactionContext);
	});
}

std::string
ApplicationName()
{
	return application_name != nullptr ? std::string(application_name) : std::string();
}

std::string
CurrentQuery()
{
	return debug_query_string != nullptr ? std::string(debug_query_string) : std::string();
}

TimestampTz
Now()
{
	return GetCurrentTimestamp();
}

double
MillisecondsBetween(TimestampTz start, TimestampTz end)
{
	return static_cast<double>(end - start) / 1000.0;
}

std::string
ServerToUtf8(const std::string &text)
{
	std::string out;
	Call([&] {
		const char *utf8 = pg_server_to_any(text.data(), static_cast<int>(text.size()), PG_UTF8);
		out = utf8 == text.data() ? text : std::string(utf8);
	});
	return out;
}

std::string
Utf8ToServer(const std::string &text)
{
	std::string out;
	Call([&] {
		const char *server = pg_any_to_server(text.data(), static_cast<int>(text.size()), PG_UTF8);
		out = server == text.data() ? text : std::string(server);
	});
	return out;
}

std::string
Sha256Hex(const std::string &text)
{
	uint8 digest[PG_SHA256_DIGEST_LENGTH];
	Call([&] {
		const char *utf8 = pg_server_to_any(text.data(), static_cast<int>(text.size()), PG_UTF8);
		size_t len = utf8 == text.data() ? text.size() : strlen(utf8);
		pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
		if (pg_cryptohash_init(ctx) < 0 || pg_cryptohash_update(ctx, reinterpret_cast<const uint8 *>(utf8), len) < 0 ||
		    pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
			elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(ctx));
		pg_cryptohash_free(ctx);
	});
	static const char hex[] = "0123456789abcdef";
	std::string out;
	out.reserve(2 * sizeof(digest));
	for (uint8 b : digest) {
		out.push_back(hex[b >> 4]);
		out.push_back(hex[b & 0xF]);
	}
	return out;
}

Value
TextArg(FunctionCallInfo fcinfo, int n)
{
	if (PG_ARGISNULL(n))
		return std::nullopt;
	Value out;
	Call([&] {
		text *t = PG_GETARG_TEXT_PP(n);
		out.emplace(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	});
	return out;
}

std::optional<std::vector<Value>>
TextArrayArgWithNulls(FunctionCallInfo fcinfo, int n)
{
	if (PG_ARGISNULL(n))
		return std::nullopt;
	std::vector<Value> out;
	Call([&] {
		ArrayType *array = PG_GETARG_ARRAYTYPE_P(n);
		Datum *elems;
		bool *nulls;
		int count;
		deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &count);
		out.reserve(static_cast<std::size_t>(count));
		for (int i = 0; i < count; i++) {
			if (nulls[i]) {
				out.emplace_back(std::nullopt);
				continue;
			}
			text *t = DatumGetTextPP(elems[i]);
			out.emplace_back(std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
		}
	});
	return out;
}

std::optional<std::vector<std::string>>
TextArrayArg(FunctionCallInfo fcinfo, int n, const char *name)
{
	std::optional<std::vector<Value>> values = TextArrayArgWithNulls(fcinfo, n);
	if (!values)
		return std::nullopt;
	std::vector<std::string> out;
	out.reserve(values->size());
	for (Value &v : *values) {
		if (!v)
			throw MigrateError(ERRCODE_NULL_VALUE_NOT_ALLOWED,
			                   name != nullptr ? std::string(name) + " must not hold NULL elements"
			                                   : "argument " + std::to_string(n + 1) + " must not hold NULL");
		out.push_back(std::move(*v));
	}
	return out;
}

std::optional<bool>
BoolArg(FunctionCallInfo fcinfo, int n)
{
	if (PG_ARGISNULL(n))
		return std::nullopt;
	return PG_GETARG_BOOL(n);
}

std::optional<int>
IntArg(FunctionCallInfo fcinfo, int n)
{
	if (PG_ARGISNULL(n))
		return std::nullopt;
	return PG_GETARG_INT32(n);
}

Datum
TextResult(const std::string &s)
{
	return Call([&] { return PointerGetDatum(cstring_to_text_with_len(s.data(), static_cast<int>(s.size()))); });
}

void
Notice(const std::string &message)
{
	Call([&] { ereport(NOTICE, (errmsg_internal("%s", message.c_str()))); });
}

void
Warning(const std::string &message, int sqlstate)
{
	Call([&] {
		if (sqlstate != 0)
			ereport(WARNING, (errcode(sqlstate), errmsg_internal("%s", message.c_str())));
		else
			ereport(WARNING, (errmsg_internal("%s", message.c_str())));
	});
}

void
ReportAsWarning(ErrorData *edata)
{
	Call([&] {
		edata->elevel = WARNING;
		ThrowErrorData(edata);
	});
}

} // namespace pg
} // namespace pgmigrate

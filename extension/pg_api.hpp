/*
 * pg_api.hpp — every PostgreSQL service the C++ code uses, behind pg::Call.
 *
 * Nothing here lets an ereport escape as a longjmp: callers get C++ values
 * and PgException. Internal catalog queries run through CatalogScope, which
 * pins search_path and runs as the extension's owner, so a caller's
 * search_path or missing table privileges cannot change what they do.
 */
#pragma once

#include "guard.hpp"

#include <initializer_list>
#include <optional>
#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include "nodes/pg_list.h"
#include "utils/palloc.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"
}

namespace pgmigrate {

using Value = std::optional<std::string>;
using Row = std::vector<Value>;

namespace pg {

/* Advisory lock class of every pg_migrate lock ("MG") and its keys, all in one place. */
constexpr int32 kLockClass = 0x4D47;
constexpr int32 kLockMigrations = 1; /* transaction level: serializes apply, register and the other writers */
constexpr int32 kRunnerLockKey = 2;  /* session level: held by the live runner */

/* One SPI connection for the duration of a SQL-callable function. */
class SpiSession {
public:
	SpiSession();
	~SpiSession();
	SpiSession(const SpiSession &) = delete;
	SpiSession &operator=(const SpiSession &) = delete;
	/* Ends the session explicitly so SPI errors surface as exceptions. */
	void Finish();

private:
	bool connected_ = false;
};

/*
 * A memory context for work whose results leave it as C++ values (a parse
 * that yields strings): Run() switches to it and empties it on return, so a
 * loop over a thousand migrations reuses the same memory instead of growing
 * by one parse tree per file (the page faults of new memory cost more than
 * the parse). When fn throws, the memory is kept for the enclosing context to
 * free: the error being thrown may live in it.
 */
class ScratchMemory {
public:
	ScratchMemory(); /* a child of CurrentMemoryContext */
	ScratchMemory(const ScratchMemory &) = delete;
	ScratchMemory &operator=(const ScratchMemory &) = delete;

	template <typename Fn>
	auto
	Run(Fn &&fn)
	{
		struct Leave {
			MemoryContext previous;
			~Leave() { MemoryContextSwitchTo(previous); }
		};
		/* back in the caller's context on every path; emptied only on the normal one */
		auto result = [&] {
			Leave leave{Enter()};
			return fn();
		}();
		Empty();
		return result;
	}

private:
	MemoryContext Enter();
	void Empty();
	MemoryContext context_;
};

/*
 * Runs the caller's catalog queries as the extension owner with
 * search_path = pg_catalog, pg_temp; restores both on scope exit.
 */
class CatalogScope {
public:
	CatalogScope();
	~CatalogScope();
	CatalogScope(const CatalogScope &) = delete;
	CatalogScope &operator=(const CatalogScope &) = delete;

private:
	Oid saved_user_ = 0;
	int saved_sec_context_ = 0;
	int guc_nest_level_ = 0;
};

/*
 * Internal query with text parameters ($1::int casts in the SQL where another
 * type is needed). The plan is prepared once per backend and kept: sql must
 * be a string literal (or a static string's text), whose address identifies
 * the plan.
 */
std::vector<Row> Query(const char *sql, std::initializer_list<Value> args);
void Exec(const char *sql, std::initializer_list<Value> args);
/* Exec with arguments built at run time (catalog.cpp's column tables). */
void Exec(const char *sql, const std::vector<Value> &args);
/*
 * Runs sql once with column i as its text[] parameter $i+1 (NULL elements
 * kept): a statement that unnests them writes many rows at the cost of one.
 */
void ExecColumns(const char *sql, const std::vector<std::vector<Value>> &columns);
std::vector<Row> QueryColumns(const char *sql, const std::vector<std::vector<Value>> &columns);

/* Runs sql and appends its rows, whose shape must match the result, to the SRF. */
void QueryIntoResult(FunctionCallInfo fcinfo, const char *sql, std::initializer_list<Value> args);

/* Sets up a materialized SRF result and adds rows built from text values. */
class ResultSet {
public:
	explicit ResultSet(FunctionCallInfo fcinfo);
	void Add(const Row &row);

private:
	FunctionCallInfo fcinfo_;
	void *attinmeta_ = nullptr;
};

/*
 * Subtransaction control in the style of PL/pgSQL exception blocks. The
 * frame remembers the memory context and resource owner to return to.
 */
struct SubtransactionFrame {
	MemoryContext context;
	ResourceOwner owner;
};
SubtransactionFrame BeginSubtransaction();
void ReleaseSubtransaction(const SubtransactionFrame &frame);
void RollbackSubtransaction(const SubtransactionFrame &frame);

/* Whether table migrate.<table> has the column (catalog versions add columns). */
bool CatalogHasColumn(const char *table, const char *column);

/* Transaction-scoped advisory lock that serializes pg_migrate's writers. */
void LockMigrations();

/* GUC nest level so SET LOCAL inside one migration ends with it. */
int PushSettings();
void SetSetting(const char *name, const std::string &value);
void PopSettings(int nest_level) noexcept;

std::string CurrentRoleName();
std::string RoleName(Oid role);
Oid CurrentUserOid();
/* Names the current (sub)transaction of this backend: equal values, nothing committed or rolled back between. */
std::uint64_t CurrentSubtransactionScope();
Oid SessionUserOid();
/* Whether role has every privilege of other (pg_has_role(role, other, 'USAGE'); superusers have all). */
bool HasPrivilegesOf(Oid role, Oid other);
/* Whether session_user may SET ROLE to role, as the background runner does to become the queuer. */
bool CanBecome(Oid session_user, Oid role);
Oid DatabaseOid();
std::string CurrentSearchPath();

/* Transaction control for the background runner, which owns its transactions. */
void StartTransaction();
void CommitTransaction();
void AbortTransaction() noexcept;
/* SPI needs an active snapshot, which a bare transaction command lacks. */
void PushSnapshot();
void PopSnapshot();
/* Sets a GUC for the rest of the session (runner: search_path, role). */
void SetSessionSetting(const char *name, const std::string &value);
/* Session-level runner lock: true when taken. */
bool TryRunnerLock(int32 key);
void ReleaseRunnerLock(int32 key);
/*
 * True when the relation exists and this transaction has not touched its
 * definition yet: a statement on it may have to wait for other sessions' locks.
 */
bool MayWaitForLock(const std::string &schema, const std::string &name);
/* "pid 123 (idle in transaction): <query>; ..." of other sessions holding locks on the relation. */
std::string LockHolders(const std::string &schema, const std::string &name);
/* Sleeps, answering cancel and shutdown. */
void SleepMilliseconds(long ms);

/* Shows the statement in pg_stat_activity (empty: idle). */
void ReportActivity(const std::string &sql);
/*
 * Runs one migration statement through SPI; call inside Call, so its error
 * is the statement's own. With first_value the first row's first column
 * comes back when it is a boolean (a verify statement's answer); otherwise
 * rows are discarded.
 */
std::optional<bool> RunStatement(const std::string &sql, bool first_value);
/*
 * Runs one statement at top level, outside any transaction block, as the
 * simple query protocol would: the only way to run CREATE INDEX CONCURRENTLY,
 * VACUUM and the like from inside the server. Needs a started transaction
 * command; the statement may commit and start transactions itself.
 */
void RunTopLevel(const std::string &sql);
std::string ApplicationName();
/* The client's query string being executed ("" when none). */
std::string CurrentQuery();
TimestampTz Now();
double MillisecondsBetween(TimestampTz start, TimestampTz end);

/*
 * Migration files are UTF-8; a database may store another encoding (LATIN1):
 * text arrives converted to it, is parsed as UTF-8 and runs in its own.
 */
std::string ServerToUtf8(const std::string &text);
std::string Utf8ToServer(const std::string &text);

/* SHA-256 of text as UTF-8 (converted from the server encoding), lowercase hex. */
std::string Sha256Hex(const std::string &text);

/* Arguments of a SQL-callable function as optional strings. */
Value TextArg(FunctionCallInfo fcinfo, int n);
std::optional<bool> BoolArg(FunctionCallInfo fcinfo, int n);
/*
 * A text[] argument (nullopt when NULL or not passed); a NULL element is
 * refused, naming the argument by name when given, else by position.
 */
std::optional<std::vector<std::string>> TextArrayArg(FunctionCallInfo fcinfo, int n, const char *name = nullptr);
/* A text[] argument whose NULL elements are kept. */
std::optional<std::vector<Value>> TextArrayArgWithNulls(FunctionCallInfo fcinfo, int n);
std::optional<int> IntArg(FunctionCallInfo fcinfo, int n);
Datum TextResult(const std::string &s);

/* Shows a NOTICE to the client. */
void Notice(const std::string &message);

/* Shows a WARNING to the client, with sqlstate when given (a client can tell it apart). */
void Warning(const std::string &message, int sqlstate = 0);

/* Sends a caught error to the client as a WARNING, with all its fields. */
void ReportAsWarning(ErrorData *edata);

} // namespace pg
} // namespace pgmigrate

/* client_lint.cpp — see client_lint.hpp. */
#include "client_lint.hpp"

#include "catalog_facts.hpp"
#include "engine_errors.hpp"
#include "lint.hpp"

#include <pg_query.h>

extern "C" {
/* pg_query/pg_query_internal.h, without the server headers it pulls in */
struct MemoryContextData;
MemoryContextData *pg_query_enter_memory_context();
void pg_query_exit_memory_context(MemoryContextData *context);
}

namespace pgmigrate::client::engine {

namespace {

/* libpg_query's memory context for one engine run: every palloc of the parse and the walk is freed with it. */
class EngineMemory {
public:
	EngineMemory() : context_(pg_query_enter_memory_context()) {}
	~EngineMemory() { pg_query_exit_memory_context(context_); }
	EngineMemory(const EngineMemory &) = delete;
	EngineMemory &operator=(const EngineMemory &) = delete;

private:
	MemoryContextData *context_;
};

/*
 * A table another session holds locked is "not known" (blocks_here NULL), as
 * migrate.lint() peeks without waiting: the facts' queries give up quickly.
 */
class ShortLockTimeout {
public:
	explicit ShortLockTimeout(Connection &conn) : conn_(conn)
	{
		saved_ = conn_.Exec("SELECT current_setting('lock_timeout')").Get(0, 0);
		conn_.Exec("SELECT set_config('lock_timeout', '100ms', false)");
	}
	~ShortLockTimeout()
	{
		try {
			conn_.Exec("SELECT set_config('lock_timeout', $1, false)", {saved_});
		} catch (const SqlError &) {
			/* a lost connection is reported by whoever uses it next */
		}
	}
	ShortLockTimeout(const ShortLockTimeout &) = delete;
	ShortLockTimeout &operator=(const ShortLockTimeout &) = delete;

private:
	Connection &conn_;
	std::string saved_;
};

[[noreturn]] void
Throw(const EngineError &e)
{
	SqlError error(e.message);
	error.sqlstate = e.sqlstate;
	error.detail = e.detail;
	error.hint = e.hint;
	error.context = e.context;
	throw error;
}

} // namespace

std::vector<EngineFinding>
LintWithClientEngine(Connection &conn, const std::string &script)
{
	CatalogConnection catalog(conn);
	ShortLockTimeout lock_timeout(conn);
	EngineMemory memory; /* after the catalog: freed first, with everything the walk palloc'd */
	std::vector<ScriptFinding> findings;
	try {
		findings = LintScript(script);
	} catch (const PgException &e) {
		Throw(FromPgException(e)); /* edata lives in memory, which is still there */
	} catch (const MigrateError &e) {
		Throw(FromMigrateError(e));
	}
	std::vector<EngineFinding> rows;
	for (const ScriptFinding &sf : findings) {
		const Finding &f = sf.finding;
		rows.push_back({f.statement, f.line, f.rule, f.severity, f.lock_mode, f.message, sf.allowed, sf.blocks_here});
	}
	return rows;
}

int
ClientEngineGrammarMajor()
{
	return PG_VERSION_NUM / 10000; /* pg_query.h: the PostgreSQL release its parser comes from */
}

} // namespace pgmigrate::client::engine

/*
 * execute.cpp — statement execution with file/line error context.
 *
 * Each statement runs alone through SPI, exactly as psql would send it, so
 * a SET in one statement affects the next and an error belongs to one
 * statement. The statement keeps its own SQLSTATE; pg_migrate adds context.
 */
#include "execute.hpp"

#include <algorithm>

#include "catalog.hpp"
#include "lint_here.hpp"
#include "settings.hpp"

namespace pgmigrate {

namespace {

/* P0004: a verify statement asserted false. */
constexpr int kVerifyFailed = MAKE_SQLSTATE('P', '0', '0', '0', '4');

struct StatementContextArg {
	const Statement *statement;
	const SectionOrigin *origin;
	bool internal_position; /* SPI moved any caret into the statement text (internalpos), else errposition */
};

/* "migration FILE, SECTION section, statement N, line L", the line of the caret when the error has one. */
void
StatementErrorContext(void *arg)
{
	auto *info = static_cast<StatementContextArg *>(arg);
	int line = info->statement->line;
	int pos = info->internal_position ? getinternalerrposition() : geterrposition();
	if (pos > 0)
		line = LineAtPosition(info->statement->sql, info->statement->line, pos);
	errcontext("migration %s, %s section, statement %d, line %d", info->origin->where.c_str(), info->origin->section,
	           info->statement->number, line);
}

void
RunOne(const Statement &st, const SectionOrigin &origin, bool is_verify, LintGate *gate)
{
	pg::Call([&] {
		/* runs after SPI's own callback, which has moved any caret into the statement text */
		StatementContextArg arg{&st, &origin, true};
		pg::ErrorContext context(StatementErrorContext, &arg);

		/* lint findings that depend on data, decided now, with the statement's own locks taken (guarded) */
		if (gate != nullptr)
			gate->Before(st);

		Oid role = pg::CurrentUserOid();
		std::optional<bool> first = pg::RunStatement(st.sql, is_verify);
		/* set_config('role', ...) inside a function or DO block: the rest must not run as another role */
		if (pg::CurrentUserOid() != role)
			ereport(ERROR, (errcode(MG_UNTRUSTED_AUTHOR), errmsg("the statement changed the current role"),
			                errhint("A migration runs as the role that applies it; it cannot change roles.")));
		if (is_verify && first && !*first)
			ereport(ERROR, (errcode(kVerifyFailed), errmsg("verify statement %d returned false", st.number),
			                errhint("A verify section fails when a statement raises an error or returns false.")));
	});
}

} // namespace

void
RunStatementTopLevel(const Statement &st, const SectionOrigin &origin)
{
	try {
		pg::Call([&] {
			StatementContextArg arg{&st, &origin, false}; /* top level: the caret is in errposition */
			pg::ErrorContext context(StatementErrorContext, &arg);
			pg::RunTopLevel(st.sql);
		});
	} catch (const PgException &e) {
		int pos = e.edata->cursorpos > 0 ? e.edata->cursorpos : e.edata->internalpos;
		int line = pos > 0 ? LineAtPosition(st.sql, st.line, pos) : st.line;
		throw StatementError(e.edata, st.sql, line);
	}
}

namespace {

/*
 * A statement that must wait for another session's lock runs in a
 * subtransaction under lock_timeout: on a timeout it is rolled back and tried
 * again after a growing pause, so the queue of readers behind it drains in
 * between. After the last try the error names the sessions holding locks.
 */
void
RunWithLockRetries(const Statement &st, const SectionOrigin &origin, int retries, LintGate *gate)
{
	for (int attempt = 0;; attempt++) {
		pg::SubtransactionFrame frame = pg::BeginSubtransaction();
		try {
			RunOne(st, origin, false, gate);
			pg::ReleaseSubtransaction(frame);
			return;
		} catch (const PgException &e) {
			pg::RollbackSubtransaction(frame);
			if (e.edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
				throw;
			if (attempt >= retries) {
				std::string holders = pg::LockHolders(st.target_schema, st.target_name);
				std::string detail = "gave up after " + std::to_string(retries + 1) + " tries on " +
				                     (st.target_schema.empty() ? "" : st.target_schema + ".") + st.target_name +
				                     (holders.empty() ? "" : "; blocked by " + holders);
				e.edata->detail = pg::Call([&] { return pstrdup(detail.c_str()); });
				throw;
			}
			pg::SleepMilliseconds(std::min(2000L, 100L << attempt));
		}
	}
}

} // namespace

void
RunStatements(const std::vector<Statement> &statements, const SectionOrigin &origin, bool is_verify, LintGate *gate)
{
	int retries = is_verify ? 0 : LockRetries();
	for (const Statement &st : statements) {
		try {
			if (retries > 0 && !st.target_name.empty() && pg::MayWaitForLock(st.target_schema, st.target_name))
				RunWithLockRetries(st, origin, retries, gate);
			else
				RunOne(st, origin, is_verify, gate);
		} catch (const PgException &e) {
			int line = e.edata->internalpos > 0 ? LineAtPosition(st.sql, st.line, e.edata->internalpos) : st.line;
			throw StatementError(e.edata, st.sql, line);
		}
	}
}

namespace {

bool running = false;

/* One GUC nest level per section run, so the lock-timeout directive ends with it. */
class SettingsScope {
public:
	SettingsScope() : level_(pg::PushSettings()) {}
	~SettingsScope() { pg::PopSettings(level_); }
	SettingsScope(const SettingsScope &) = delete;
	SettingsScope &operator=(const SettingsScope &) = delete;

private:
	int level_;
};

} // namespace

bool
ExecutingMigrations()
{
	return running;
}

void
RefuseInsideMigration(const char *what)
{
	if (running)
		throw MigrateError(MG_NOT_ALLOWED_HERE, std::string(what) + " cannot be called from inside a migration", "",
		                   "Call it from a session of its own, before or after the deploy.");
}

ReentryGuard::ReentryGuard(const char *what)
{
	if (running)
		throw MigrateError(MG_NOT_ALLOWED_HERE, std::string(what) + " cannot be called from inside a migration");
	running = true;
}

ReentryGuard::~ReentryGuard()
{
	running = false;
}

bool
IsInterrupt(const ErrorData *edata)
{
	return edata->sqlerrcode == ERRCODE_QUERY_CANCELED || edata->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN;
}

void
RunSection(const Migration &m, SectionKind section, LintGate *gate)
{
	SettingsScope settings;
	/* The directive, else pg_migrate.lock_timeout: a migration never queues readers behind it for long. */
	std::string lock_timeout = m.lock_timeout.empty() ? DefaultLockTimeout() : m.lock_timeout;
	/* 0 waits forever: set it too, over whatever lock_timeout the session has */
	if (section != SectionKind::Verify)
		pg::SetSetting("lock_timeout", lock_timeout);
	SectionOrigin origin{DescribeMigration(m.Label(), m.source), "up", m.up_line};
	if (section == SectionKind::Down) {
		origin.section = "down";
		origin.first_line = m.down_line;
		RunStatements(SplitStatements(m.down_sql, origin), origin, false);
		return;
	}
	if (section == SectionKind::Up && m.up_split) /* split by the plan's lint already */
		RunStatements(m.up_statements, origin, false, gate);
	else if (section == SectionKind::Up)
		RunStatements(SplitStatements(m.up_sql, origin), origin, false, gate);
	if (m.has_verify) {
		origin.section = "verify";
		origin.first_line = m.verify_line;
		std::vector<Statement> verify = SplitStatements(m.verify_sql, origin);
		/* A post-condition asks; whatever its statements change is undone. */
		pg::SubtransactionFrame frame = pg::BeginSubtransaction();
		try {
			RunStatements(verify, origin, true);
		} catch (...) {
			pg::RollbackSubtransaction(frame);
			throw;
		}
		pg::RollbackSubtransaction(frame);
	}
}

} // namespace pgmigrate

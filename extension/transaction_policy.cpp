/* transaction_policy.cpp — a migration's own BEGIN/COMMIT and the if-needed directives (see transaction_policy.hpp). */
#include "transaction_policy.hpp"

#include "guard.hpp"

#include <string_view>

namespace pgmigrate {

namespace {

constexpr std::string_view kBreakpoint = "--> statement-breakpoint";

bool
IsBlank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Spaces over st and the ';' that ends it; newlines stay, so every line number stays. */
void
BlankStatement(std::string *sql, const Statement &st)
{
	std::size_t end = st.offset + st.sql.size();
	std::size_t semicolon = end;
	while (semicolon < sql->size() && IsBlank((*sql)[semicolon]))
		semicolon++;
	if (semicolon < sql->size() && (*sql)[semicolon] == ';')
		end = semicolon + 1;
	for (std::size_t i = st.offset; i < end && i < sql->size(); i++)
		if ((*sql)[i] != '\n')
			(*sql)[i] = ' ';
}

/* True (and the pair blanked and dropped) when the section is BEGIN; ...; COMMIT;. */
bool
TakeOwnTransaction(Section *section, std::vector<Statement> *statements)
{
	if (statements->size() < 2 || !statements->front().plain_begin || !statements->back().plain_commit)
		return false;
	BlankStatement(&section->sql, statements->back());
	BlankStatement(&section->sql, statements->front());
	statements->pop_back();
	statements->erase(statements->begin());
	int number = 0;
	for (Statement &st : *statements)
		st.number = ++number;
	return true;
}

bool
BreakpointBefore(const std::string &sql, const Statement &st)
{
	return std::string_view(sql).substr(st.gap_from, st.offset - st.gap_from).find(kBreakpoint) !=
	       std::string_view::npos;
}

/* Drizzle: a statement that cannot run in a transaction must be a query of its own. */
void
CheckAloneBetweenBreakpoints(const std::string &sql, const std::vector<Statement> &statements,
                             const SectionOrigin &origin)
{
	for (std::size_t i = 0; i < statements.size(); i++) {
		const Statement &st = statements[i];
		if (st.kind != TxKind::NoTransaction)
			continue;
		bool alone = (i == 0 || BreakpointBefore(sql, st)) &&
		             (i + 1 == statements.size() || BreakpointBefore(sql, statements[i + 1]));
		if (alone)
			continue;
		throw MigrateError(MG_NOT_ALLOWED_HERE,
		                   st.tag + " cannot run inside a transaction, and drizzle would send it in one query "
		                            "with the statements next to it",
		                   "migration " + origin.where + ", " + origin.section + " section, statement " +
		                       std::to_string(st.number) + ", line " + std::to_string(st.line) + ": " + st.sql,
		                   "Put a --> statement-breakpoint line before and after it, so it runs on its own outside a "
		                   "transaction.");
	}
}

bool
AnyNeedsNoTransaction(const std::vector<Statement> &statements)
{
	for (const Statement &st : statements)
		if (st.kind == TxKind::NoTransaction)
			return true;
	return false;
}

} // namespace

SettledStatements
SettleTransaction(Script *script, SectionOrigin origin)
{
	SettledStatements out;
	bool own_transaction = false;
	struct Part {
		Section *section;
		const char *name;
		std::vector<Statement> *statements;
	};
	for (const Part &part : {Part{&script->up, "up", &out.up}, Part{&script->down, "down", &out.down}}) {
		if (!part.section->present)
			continue;
		origin.section = part.name;
		origin.first_line = part.section->first_line;
		*part.statements = SplitStatements(part.section->sql, origin);
		if (script->transactional && TakeOwnTransaction(part.section, part.statements))
			own_transaction = true;
	}
	if (!script->transactional || own_transaction || script->no_transaction_if == NoTransactionIf::kNever)
		return out;
	if (!AnyNeedsNoTransaction(out.up) && !AnyNeedsNoTransaction(out.down))
		return out;
	if (script->no_transaction_if == NoTransactionIf::kNeededBetweenBreakpoints) {
		origin.section = "up";
		origin.first_line = script->up.first_line;
		CheckAloneBetweenBreakpoints(script->up.sql, out.up, origin);
		origin.section = "down";
		origin.first_line = script->down.first_line;
		CheckAloneBetweenBreakpoints(script->down.sql, out.down, origin);
	}
	script->transactional = false;
	return out;
}

} // namespace pgmigrate

/* transaction_policy.cpp — a migration's own BEGIN/COMMIT and the if-needed directives (see transaction_policy.hpp). */
#include "transaction_policy.hpp"

#include "guard.hpp"

#include <cstddef>
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

/*
 * True (and the pairs blanked and dropped) when every plain BEGIN of the
 * section is closed by a plain COMMIT before the next BEGIN: the whole
 * section, as golang-migrate files wrap themselves, or (with blocks: the
 * transaction-blocks directive) a block in the middle, as Prisma writes its
 * enum rewrite. Inside the migration's own transaction
 * such a block is a group that commits with everything else — all or
 * nothing, as the rest of the migration. A BEGIN inside a block, a COMMIT
 * outside one or a block never closed leaves everything as it is (MG003).
 */
bool
TakeOwnTransaction(Section *section, std::vector<Statement> *statements, bool blocks)
{
	if (!blocks) { /* without transaction-blocks: only a pair around the whole section */
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
	std::vector<std::size_t> control; /* indexes of the paired BEGIN and COMMIT statements */
	bool open = false;
	for (std::size_t i = 0; i < statements->size(); i++) {
		const Statement &st = (*statements)[i];
		if (st.plain_begin) {
			if (open)
				return false;
			open = true;
			control.push_back(i);
		} else if (st.plain_commit) {
			if (!open)
				return false;
			open = false;
			control.push_back(i);
		}
	}
	if (open || control.empty())
		return false;
	for (auto it = control.rbegin(); it != control.rend(); ++it) {
		BlankStatement(&section->sql, (*statements)[*it]);
		statements->erase(statements->begin() + static_cast<std::ptrdiff_t>(*it));
	}
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
SettleTransaction(Script *script, SectionOrigin origin, std::optional<std::vector<Statement>> down_split)
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
		if (part.statements == &out.down && down_split)
			*part.statements = std::move(*down_split);
		else
			*part.statements = SplitStatements(part.section->sql, origin);
		if (script->transactional && TakeOwnTransaction(part.section, part.statements, script->transaction_blocks))
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

/*
 * statements.cpp — statement splitting and transaction classification.
 *
 * raw_parser() gives each statement's byte offset (including the comments
 * before it); we skip those comments so the reported line is the line of the
 * statement's first token. Classification reads the raw parse tree only: no
 * catalog lookups, so it works for objects that do not exist yet.
 */
#include "statements.hpp"

#include "guard.hpp"

#include <algorithm>

extern "C" {
#include "commands/defrem.h"
#include "mb/pg_wchar.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
}

#include "pg_compat.hpp"

namespace pgmigrate {

namespace {

/* Skips whitespace, "--" comments and nested block comments from pos. */
std::size_t
SkipSpaceAndComments(const std::string &s, std::size_t pos, std::size_t end)
{
	while (pos < end) {
		char c = s[pos];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			pos++;
		} else if (c == '-' && pos + 1 < end && s[pos + 1] == '-') {
			while (pos < end && s[pos] != '\n')
				pos++;
		} else if (c == '/' && pos + 1 < end && s[pos + 1] == '*') {
			int depth = 0;
			do {
				if (s[pos] == '/' && pos + 1 < end && s[pos + 1] == '*') {
					depth++;
					pos += 2;
				} else if (s[pos] == '*' && pos + 1 < end && s[pos + 1] == '/') {
					depth--;
					pos += 2;
				} else {
					pos++;
				}
			} while (pos < end && depth > 0);
		} else {
			break;
		}
	}
	return pos;
}

bool
HasOption(List *options, const char *name)
{
	ListCell *cell;
	foreach (cell, options) {
		auto *opt = static_cast<DefElem *>(lfirst(cell));
		if (strcmp(opt->defname, name) == 0)
			return opt->arg == nullptr || defGetBoolean(opt);
	}
	return false;
}

/* Names the CONCURRENTLY form in the statement's description ("CREATE INDEX CONCURRENTLY"). */
TxKind
Concurrently(std::string *tag, TxKind kind)
{
	tag->append(" CONCURRENTLY");
	return kind;
}

/* Classifies stmt; may refine *tag, the description used in messages. */
TxKind
Classify(Node *stmt, std::string *tag)
{
	switch (nodeTag(stmt)) {
	case T_TransactionStmt:
		return TxKind::TransactionControl;
	case T_IndexStmt:
		return castNode(IndexStmt, stmt)->concurrent ? Concurrently(tag, TxKind::NoTransaction) : TxKind::Ordinary;
	case T_DropStmt:
		return castNode(DropStmt, stmt)->concurrent ? Concurrently(tag, TxKind::NoTransaction) : TxKind::Ordinary;
	case T_ReindexStmt: {
		auto *reindex = castNode(ReindexStmt, stmt);
		bool whole = reindex->kind == REINDEX_OBJECT_SCHEMA || reindex->kind == REINDEX_OBJECT_SYSTEM ||
		             reindex->kind == REINDEX_OBJECT_DATABASE;
		if (HasOption(reindex->params, "concurrently"))
			return Concurrently(tag, TxKind::NoTransaction);
		return whole ? TxKind::NoTransaction : TxKind::Ordinary;
	}
	case T_VacuumStmt:
		return castNode(VacuumStmt, stmt)->is_vacuumcmd ? TxKind::NoTransaction : TxKind::Ordinary;
	case T_ClusterStmt:
		return castNode(ClusterStmt, stmt)->relation == nullptr ? TxKind::NoTransaction : TxKind::Ordinary;
	case T_CreatedbStmt:
	case T_DropdbStmt:
	case T_CreateTableSpaceStmt:
	case T_DropTableSpaceStmt:
	case T_AlterSystemStmt:
	case T_CreateSubscriptionStmt:
	case T_DropSubscriptionStmt:
		return TxKind::NoTransaction;
	case T_CopyStmt: {
		auto *copy = castNode(CopyStmt, stmt);
		if (copy->filename != nullptr || copy->is_program)
			return TxKind::Ordinary;
		return copy->is_from ? TxKind::ClientData : TxKind::ClientOutput;
	}
	case T_AlterTableStmt: {
		/* DETACH PARTITION ... CONCURRENTLY commits in the middle */
		ListCell *lc;
		foreach (lc, castNode(AlterTableStmt, stmt)->cmds) {
			auto *cmd = castNode(AlterTableCmd, lfirst(lc));
			if (cmd->subtype == AT_DetachPartition && cmd->def != nullptr &&
			    castNode(PartitionCmd, cmd->def)->concurrent) {
				tag->append(" DETACH PARTITION");
				return Concurrently(tag, TxKind::NoTransaction);
			}
		}
		return TxKind::Ordinary;
	}
	case T_AlterDatabaseStmt: {
		/* ALTER DATABASE ... SET TABLESPACE moves files outside any transaction */
		ListCell *lc;
		foreach (lc, castNode(AlterDatabaseStmt, stmt)->options) {
			auto *opt = static_cast<DefElem *>(lfirst(lc));
			if (strcmp(opt->defname, "tablespace") == 0) {
				tag->append(" SET TABLESPACE");
				return TxKind::NoTransaction;
			}
		}
		return TxKind::Ordinary;
	}
	case T_DiscardStmt:
		return TxKind::SessionControl;
	case T_VariableSetStmt: {
		/* The migration runs as the role that applies it; the session user may be someone else. */
		const char *name = castNode(VariableSetStmt, stmt)->name;
		if (name == nullptr || (strcmp(name, "role") != 0 && strcmp(name, "session_authorization") != 0))
			return TxKind::Ordinary;
		tag->append(strcmp(name, "role") == 0 ? " ROLE" : " SESSION AUTHORIZATION");
		return TxKind::SessionControl;
	}
	default:
		return TxKind::Ordinary;
	}
}

bool
ReturnsRows(Node *stmt)
{
	switch (nodeTag(stmt)) {
	case T_SelectStmt:
		return true;
	case T_InsertStmt:
		return compat::ReturningList(castNode(InsertStmt, stmt)) != NIL;
	case T_UpdateStmt:
		return compat::ReturningList(castNode(UpdateStmt, stmt)) != NIL;
	case T_DeleteStmt:
		return compat::ReturningList(castNode(DeleteStmt, stmt)) != NIL;
#if PG_VERSION_NUM >= 170000
	case T_MergeStmt:
		return compat::ReturningList(castNode(MergeStmt, stmt)) != NIL;
#endif
	default:
		return false;
	}
}

/* The relation a lock-taking statement on an existing table waits for, if any. */
const RangeVar *
LockTarget(Node *stmt)
{
	switch (nodeTag(stmt)) {
	case T_AlterTableStmt:
		return castNode(AlterTableStmt, stmt)->relation;
	case T_IndexStmt:
		return castNode(IndexStmt, stmt)->concurrent ? nullptr : castNode(IndexStmt, stmt)->relation;
	case T_RenameStmt:
		return castNode(RenameStmt, stmt)->relation;
	case T_CreateTrigStmt:
		return castNode(CreateTrigStmt, stmt)->relation;
	case T_CreatePolicyStmt:
		return castNode(CreatePolicyStmt, stmt)->table;
	case T_TruncateStmt: {
		List *rels = castNode(TruncateStmt, stmt)->relations;
		return rels != NIL ? static_cast<const RangeVar *>(linitial(rels)) : nullptr;
	}
	case T_LockStmt: {
		List *rels = castNode(LockStmt, stmt)->relations;
		return rels != NIL ? static_cast<const RangeVar *>(linitial(rels)) : nullptr;
	}
	default:
		return nullptr;
	}
}

struct ParseContextArg {
	const char *sql;
	const SectionOrigin *origin;
};

/* Moves a syntax error's caret from the caller's query into the section text, and names the line. */
void
ParseErrorContext(void *arg)
{
	auto *info = static_cast<ParseContextArg *>(arg);
	int pos = geterrposition();
	int line = info->origin->first_line;
	if (pos > 0) {
		errposition(0);
		internalerrposition(pos);
		internalerrquery(info->sql);
		line = LineAtPosition(info->sql, info->origin->first_line, pos);
	}
	errcontext("migration %s, %s section, line %d", info->origin->where.c_str(), info->origin->section, line);
}

} // namespace

std::string
DescribeMigration(const std::string &label, const std::string &source)
{
	return source.empty() ? label : label + " (" + source + ")";
}

int
LineAtPosition(const std::string &text, int first_line, int pos)
{
	/* pos counts characters; walk them with the server encoding's lengths. */
	int line = first_line;
	std::size_t byte = 0;
	for (int ch = 1; ch < pos && byte < text.size(); ch++) {
		if (text[byte] == '\n')
			line++;
		int len = pg_mblen(text.c_str() + byte);
		byte += len > 0 ? static_cast<std::size_t>(len) : 1;
	}
	return line;
}

std::vector<Statement>
SplitStatements(const std::string &sql, const SectionOrigin &origin)
{
	return SplitStatements(sql, origin, nullptr);
}

std::vector<Statement>
SplitStatements(const std::string &sql, const SectionOrigin &origin, List **raw_statements)
{
	std::vector<Statement> out;
	pg::Call([&] {
		ParseContextArg arg{sql.c_str(), &origin};
		pg::ErrorContext context(ParseErrorContext, &arg);
		List *parsed = raw_parser(sql.c_str(), RAW_PARSE_DEFAULT);
		if (raw_statements != nullptr)
			*raw_statements = parsed;
		context.Pop();
		ListCell *cell;
		int number = 0, lines_before = 0;
		std::size_t counted_to = 0, previous_end = 0;
		foreach (cell, parsed) {
			auto *raw = lfirst_node(RawStmt, cell);
			std::size_t begin = static_cast<std::size_t>(raw->stmt_location);
			std::size_t end = raw->stmt_len == 0 ? sql.size() : begin + static_cast<std::size_t>(raw->stmt_len);
			begin = SkipSpaceAndComments(sql, begin, end);
			while (end > begin && isspace(static_cast<unsigned char>(sql[end - 1])))
				end--;
			/* The statement lies inside the section, after the previous one. */
			Assert(begin <= end && end <= sql.size() && begin >= previous_end);
			out.emplace_back();
			Statement &st = out.back();
			st.number = ++number;
			/* Lines counted on from the previous statement: linear in the section's size. */
			lines_before += static_cast<int>(std::count(sql.begin() + counted_to, sql.begin() + begin, '\n'));
			counted_to = begin;
			st.line = origin.first_line + lines_before;
			st.sql.assign(sql, begin, end - begin);
			st.offset = begin;
			st.gap_from = previous_end;
			previous_end = end;
			st.tag = GetCommandTagName(CreateCommandTag(raw->stmt));
			st.kind = Classify(raw->stmt, &st.tag);
			st.returns_rows = ReturnsRows(raw->stmt);
			st.adds_enum_value = IsA(raw->stmt, AlterEnumStmt) && castNode(AlterEnumStmt, raw->stmt)->oldVal == nullptr;
			if (IsA(raw->stmt, TransactionStmt)) {
				auto *tx = castNode(TransactionStmt, raw->stmt);
				st.plain_begin = (tx->kind == TRANS_STMT_BEGIN || tx->kind == TRANS_STMT_START) && tx->options == NIL;
				st.plain_commit = tx->kind == TRANS_STMT_COMMIT && !tx->chain;
			}
			if (const RangeVar *target = LockTarget(raw->stmt)) {
				st.target_name = target->relname;
				if (target->schemaname != nullptr)
					st.target_schema = target->schemaname;
			}
			if (IsA(raw->stmt, IndexStmt) && castNode(IndexStmt, raw->stmt)->concurrent) {
				auto *index = castNode(IndexStmt, raw->stmt);
				if (index->idxname != nullptr)
					st.index_name = index->idxname;
				if (index->relation != nullptr && index->relation->schemaname != nullptr)
					st.index_schema = index->relation->schemaname;
			}
		}
	});
	return out;
}

} // namespace pgmigrate

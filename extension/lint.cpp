/*
 * lint.cpp — the rules of §8, read off raw parse trees.
 *
 * Classification runs inside one pg::Call per section: it walks PostgreSQL
 * nodes and asks the catalog only where a rule has a safe case that depends
 * on the existing schema (a binary-coercible type change, SET NOT NULL backed
 * by a validated CHECK, a default whose function is volatile).
 *
 * The SQL inside a PL/pgSQL DO block is linted too: the body is read with the
 * core scanner into its statements (block structure, IF, CASE, loops and
 * exception handlers as PL/pgSQL writes them), and each statement the SQL
 * parser can read is linted like a top-level one. What cannot be read (SQL
 * built at run time by EXECUTE, another language) is named by the warning
 * do-block-not-checked.
 *
 * Other linters' suppression comments count as -- migrate:allow for the
 * rules they name (RulesForForeignName): -- squawk-ignore RULE[, RULE] and
 * -- atlas:nolint [NAME ...] before a statement, -- squawk-ignore-file
 * [RULE, ...] anywhere in the section, -- atlas:nolint at the top of it
 * followed by an empty line. They are plain SQL comments to every other part
 * of pg_migrate (the file format knows only -- migrate: directives).
 */
#include "lint.hpp"

#include "finding_text.hpp"

#include "broken_down.hpp"
#include "guard.hpp"
#include "lint_catalog.hpp"
#include "lint_rules.hpp"
#include "script.hpp"
#include "transaction_policy.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/defrem.h"
#include "commands/tablecmds.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "storage/lockdefs.h"
}

#include "pg_compat.hpp"
#include "tokens.hpp"

namespace pgmigrate {

namespace {

/* In LintScope::replaced: an earlier statement set search_path (no table name has a space). */
const char *const kSearchPathChanged = "search path changed";

/* Lock modes as the documentation and pg_locks users name them. */
const char *const kLockNames[] = {
    "",      "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};

const char *
LockName(LOCKMODE mode)
{
	return mode >= 0 && mode <= AccessExclusiveLock ? kLockNames[mode] : "";
}

/* The LOCKMODE of a name LockName gives (NoLock for "" and unknown names). */
int
LockModeNamed(const char *name)
{
	for (int mode = 1; mode <= AccessExclusiveLock; mode++)
		if (strcmp(kLockNames[mode], name) == 0)
			return mode;
	return NoLock;
}

/* Which rules a suppression comment acknowledges: all of them, or those named. */
struct Suppression {
	bool all = false;
	std::set<std::string> rules;
	std::string words; /* the comment, for the record */

	bool
	Covers(const std::string &rule) const
	{
		return (all && !CannotWork(rule)) || rules.count(rule) > 0;
	}
	void
	Merge(const Suppression &other)
	{
		all = all || other.all;
		rules.insert(other.rules.begin(), other.rules.end());
		if (!other.words.empty())
			words += (words.empty() ? "" : "; ") + other.words;
	}
};

std::string
TrimSpace(const std::string &s)
{
	std::size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
	return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

/* Adds the rules names (squawk: comma-separated; atlas: space-separated) stand for; none named is all. */
void
AddNamed(const std::string &names, bool commas, Suppression *into)
{
	std::string list = names;
	/* squawk allows a reason after a second "--" */
	std::size_t reason = list.find("--");
	if (reason != std::string::npos)
		list.erase(reason);
	if (TrimSpace(list).empty()) {
		into->all = true;
		return;
	}
	std::string item;
	auto flush = [&] {
		std::string name = TrimSpace(item);
		item.clear();
		if (name.empty())
			return;
		std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
		for (const std::string &rule : RulesForForeignName(name))
			into->rules.insert(rule);
	};
	for (char c : list) {
		if (c == ',' || (!commas && (c == ' ' || c == '\t')))
			flush();
		else
			item.push_back(c);
	}
	flush();
}

/*
 * The suppression comments in text, which holds only comments and white space
 * (the text between two statements). file_level receives -- squawk-ignore-file
 * and, when atlas_file is set, an -- atlas:nolint that an empty line separates
 * from the statement after it; statement the rest.
 */
void
ReadSuppressions(const std::string &text, bool atlas_file, Suppression *statement, Suppression *file_level)
{
	/* the comment bodies, each with whether an empty line follows it before the text ends */
	std::vector<std::pair<std::string, std::size_t>> comments; /* body, end offset */
	std::size_t pos = 0;
	while (pos < text.size()) {
		if (text.compare(pos, 2, "--") == 0) {
			std::size_t end = text.find('\n', pos);
			if (end == std::string::npos)
				end = text.size();
			comments.emplace_back(text.substr(pos + 2, end - pos - 2), end);
			pos = end;
		} else if (text.compare(pos, 2, "/*") == 0) {
			std::size_t end = text.find("*/", pos + 2);
			if (end == std::string::npos)
				end = text.size();
			comments.emplace_back(text.substr(pos + 2, end - pos - 2), std::min(text.size(), end + 2));
			pos = end + 2;
		} else {
			pos++;
		}
	}
	for (const auto &[raw, end] : comments) {
		std::string body = TrimSpace(raw);
		Suppression found;
		bool file = false, commas = true;
		static const std::string kSquawkFile = "squawk-ignore-file", kSquawk = "squawk-ignore", kAtlas = "atlas:nolint";
		std::string rest;
		if (body.compare(0, kSquawkFile.size(), kSquawkFile) == 0) {
			rest = body.substr(kSquawkFile.size());
			file = true;
		} else if (body.compare(0, kSquawk.size(), kSquawk) == 0) {
			rest = body.substr(kSquawk.size());
		} else if (body.compare(0, kAtlas.size(), kAtlas) == 0) {
			rest = body.substr(kAtlas.size());
			commas = false;
			/* atlas: a directive at the top of the file, followed by an empty line, is for the whole file */
			if (atlas_file) {
				std::size_t nl = text.find('\n', end);
				while (nl != std::string::npos) {
					std::size_t next = text.find('\n', nl + 1);
					std::string line = text.substr(nl + 1, (next == std::string::npos ? text.size() : next) - nl - 1);
					if (TrimSpace(line).empty() && next != std::string::npos) {
						file = true;
						break;
					}
					if (!TrimSpace(line).empty())
						break;
					nl = next;
				}
			}
		} else {
			continue;
		}
		/* "squawk-ignoreX" is another word */
		if (!rest.empty() && rest[0] != ' ' && rest[0] != '\t')
			continue;
		AddNamed(rest, commas, &found);
		found.words = body;
		(file ? file_level : statement)->Merge(found);
	}
}

std::string
RelName(const RangeVar *rv)
{
	if (rv == nullptr)
		return "";
	return rv->schemaname ? std::string(rv->schemaname) + "." + rv->relname : std::string(rv->relname);
}

bool
TypeNameIs(const TypeName *type, const char *name)
{
	if (type == nullptr || type->names == NIL)
		return false;
	const char *last = strVal(llast(type->names));
	return strcmp(last, name) == 0;
}

/* True when expr calls, anywhere in it, a function all of whose candidates by that name are volatile (nextval too). */
bool
HasVolatileCall(Node *expr, void *context = nullptr)
{
	if (expr == nullptr)
		return false;
	if (IsA(expr, FuncCall)) {
		if (lint_catalog::AllCandidatesVolatile(castNode(FuncCall, expr)))
			return true;
	}
	return compat::WalkRawExpression(expr, HasVolatileCall, context);
}

bool
IsSerial(const TypeName *type)
{
	return TypeNameIs(type, "serial") || TypeNameIs(type, "serial4") || TypeNameIs(type, "bigserial") ||
	       TypeNameIs(type, "serial8") || TypeNameIs(type, "smallserial") || TypeNameIs(type, "serial2");
}

/* A token of a PL/pgSQL body, as the core scanner reads it. */
struct BodyToken {
	int token = 0;
	std::size_t start = 0;
	std::string word; /* a keyword or unquoted identifier, lowercase; else empty */
	std::string text; /* a string constant's value */
	bool string = false;
};

/* One SQL statement of a DO block's body. */
struct BodyStatement {
	std::string sql;
	std::size_t offset = 0;   /* of its first token in the body */
	bool conditional = false; /* inside IF, CASE, a loop, a nested block or an exception handler */
};

struct BodyScan {
	std::vector<BodyStatement> statements;
	std::string unchecked;        /* why part of the body is not checked; empty when all of it is */
	std::size_t unchecked_at = 0; /* offset in the body of the first such part */
	bool has_handler = false;     /* the outer block has an EXCEPTION section */
};

/* Reads the tokens of body with the core scanner. Guarded: an unterminated literal is a PgException. */
std::vector<BodyToken>
BodyTokens(const std::string &body)
{
	std::vector<BodyToken> tokens;
	pg::Call([&] {
		static int sconst = -1;
		if (sconst < 0)
			sconst = TokenOf("'x'");
		core_yy_extra_type extra;
		core_yyscan_t scanner = scanner_init(body.c_str(), &extra, &ScanKeywords, ScanKeywordTokens);
		core_YYSTYPE value;
		YYLTYPE location;
		int token;
		while ((token = core_yylex(&value, &location, scanner)) != 0) {
			tokens.emplace_back();
			BodyToken &t = tokens.back();
			t.token = token;
			t.start = static_cast<std::size_t>(location);
			t.string = token == sconst;
			if (t.string && value.str != nullptr)
				t.text = value.str;
			unsigned char first = t.start < body.size() ? static_cast<unsigned char>(body[t.start]) : 0;
			if (!t.string && (isalpha(first) || first == '_' || first >= 0x80)) {
				std::size_t end = t.start;
				while (end < body.size() && (isalnum(static_cast<unsigned char>(body[end])) || body[end] == '_' ||
				                             body[end] == '$' || static_cast<unsigned char>(body[end]) >= 0x80))
					end++;
				t.word = body.substr(t.start, end - t.start);
				std::transform(t.word.begin(), t.word.end(), t.word.begin(),
				               [](unsigned char c) { return c < 0x80 ? std::tolower(c) : c; });
			}
		}
		scanner_finish(scanner);
	});
	return tokens;
}

/*
 * The SQL statements of a PL/pgSQL body. The block structure is PL/pgSQL's:
 * [<<label>>] [DECLARE ...] BEGIN ... [EXCEPTION WHEN ... THEN ...] END, with
 * IF/ELSIF/ELSE, CASE/WHEN, LOOP/WHILE/FOR/FOREACH inside; a statement ends
 * at a semicolon outside parentheses. A statement that begins with a SQL
 * command is kept (a RETURNING ... INTO target, which PL/pgSQL removes before
 * the server sees the statement, removed too); EXECUTE of one string
 * constant is that string's statement; the PL/pgSQL statements (assignment,
 * RAISE, PERFORM, RETURN, ...) have no SQL of their own to lint.
 */
BodyScan
ScanPlpgsqlBody(const std::string &body)
{
	static const std::set<std::string> kSqlCommands = {
	    "alter", "create",  "drop",   "truncate", "delete",  "update",   "insert",    "with",
	    "merge", "reindex", "vacuum", "cluster",  "commit",  "rollback", "savepoint", "release",
	    "start", "lock",    "grant",  "revoke",   "comment", "refresh",  "analyze",   "discard"};
	BodyScan scan;
	std::vector<BodyToken> tokens = BodyTokens(body);
	struct Open {
		bool block = false, in_handler = false;
	};
	std::vector<Open> open; /* the control structures the scan is inside */
	auto conditional = [&] {
		if (open.size() > 1)
			return true;
		return !open.empty() && open.back().in_handler;
	};
	auto unchecked = [&](const std::string &why, std::size_t at) {
		if (scan.unchecked.empty()) {
			scan.unchecked = why;
			scan.unchecked_at = at;
		}
	};
	std::size_t n = tokens.size(), i = 0;
	/* the index of the first token from i at parenthesis depth 0 for which stop() holds (n when none) */
	auto skip_to = [&](std::size_t from, auto stop) {
		int depth = 0, cases = 0;
		for (std::size_t k = from; k < n; k++) {
			const BodyToken &t = tokens[k];
			if (t.token == '(' || t.token == '[')
				depth++;
			else if (t.token == ')' || t.token == ']')
				depth--;
			else if (depth == 0 && t.word == "case")
				cases++;
			else if (depth == 0 && cases > 0 && t.word == "end")
				cases--;
			else if (depth <= 0 && cases == 0 && stop(t))
				return k;
		}
		return n;
	};
	auto is_word = [](const char *w) { return [w](const BodyToken &t) { return t.word == w; }; };
	auto is_semicolon = [](const BodyToken &t) { return t.token == ';'; };
	while (i < n) {
		const BodyToken &t = tokens[i];
		const std::string &w = t.word;
		if (body.compare(t.start, 2, "<<") == 0) { /* <<label>> */
			while (i < n && body.compare(tokens[i].start, 2, ">>") != 0)
				i++;
			i++;
		} else if (t.token == ';') {
			i++;
		} else if (w == "declare") {
			i = skip_to(i + 1, is_word("begin"));
		} else if (w == "begin") {
			open.push_back({true, false});
			i++;
		} else if (w == "exception" && !open.empty() && open.back().block) {
			open.back().in_handler = true;
			if (open.size() == 1)
				scan.has_handler = true;
			i++;
		} else if (w == "when") {
			i = skip_to(i + 1, is_word("then")) + 1;
		} else if (w == "if") {
			open.push_back({});
			i = skip_to(i + 1, is_word("then")) + 1;
		} else if (w == "elsif" || w == "elseif") {
			i = skip_to(i + 1, is_word("then")) + 1;
		} else if (w == "else") {
			i++;
		} else if (w == "case") {
			open.push_back({});
			i = skip_to(i + 1, is_word("when"));
		} else if (w == "loop") {
			open.push_back({});
			i++;
		} else if (w == "while" || w == "for" || w == "foreach") {
			open.push_back({});
			i = skip_to(i + 1, is_word("loop")) + 1;
		} else if (w == "end") { /* END [IF | LOOP | CASE | label] ; */
			if (!open.empty())
				open.pop_back();
			while (i < n && tokens[i].token != ';')
				i++;
			i++;
		} else {
			std::size_t end = skip_to(i, is_semicolon);
			std::size_t stop = end < n ? tokens[end].start : body.size();
			if (kSqlCommands.count(w) > 0) {
				/* PL/pgSQL takes RETURNING ... INTO target out of INSERT, UPDATE, DELETE and MERGE */
				std::size_t returning = skip_to(i, [&](const BodyToken &x) { return x.word == "returning"; });
				if (returning < end) {
					std::size_t into = skip_to(returning, is_word("into"));
					if (into < end)
						stop = tokens[into].start;
				}
				scan.statements.push_back({body.substr(t.start, stop - t.start), t.start, conditional()});
			} else if (w == "execute") {
				if (i + 2 <= end && i + 1 < n && tokens[i + 1].string &&
				    (i + 2 == end || tokens[i + 2].word == "using" || tokens[i + 2].word == "into"))
					scan.statements.push_back({tokens[i + 1].text, tokens[i + 1].start, conditional()});
				else
					unchecked("EXECUTE runs SQL built when the block runs", t.start);
			}
			i = end + 1;
		}
	}
	return scan;
}

class Linter {
public:
	Linter(const LintScope &scope, std::vector<Finding> *out, const std::string &section, int first_line)
	    : scope_(scope), out_(out), section_(section), first_line_(first_line),
	      replaced_(scope.replaced != nullptr ? scope.replaced : &own_replaced_)
	{}

	/* A top-level statement of the section, with the suppression comments that stand before it. */
	void
	Statement(Node *stmt, int number, int line, const std::string &text, const Suppression &suppressed)
	{
		number_ = number;
		suppressed_ = suppressed;
		Inner(stmt, line, text);
	}

	/* Suppressions for the whole section (-- squawk-ignore-file, atlas's file-level -- atlas:nolint). */
	void
	SuppressFile(const Suppression &file)
	{
		file_suppressed_.Merge(file);
	}

private:
	/* One statement: top-level, or one of a DO block's (then its line is the line inside the block). */
	void
	Inner(Node *stmt, int line, const std::string &text)
	{
		line_ = line;
		text_ = &text;
		lock_ = "";
		targets_.clear();
		cascade_ = false;
		Dispatch(stmt);
		/* what this statement replaced counts for the statements after it */
		replaced_->insert(pending_replaced_.begin(), pending_replaced_.end());
		pending_replaced_.clear();
	}

	void
	Dispatch(Node *stmt)
	{
		switch (nodeTag(stmt)) {
		case T_TransactionStmt:
			Add("transaction-control", "",
			    "transaction control inside a migration; pg_migrate runs each migration in a transaction itself "
			    "-- remove it (MG003)");
			break;
		case T_CreateStmt:
			Creates(castNode(CreateStmt, stmt)->relation, castNode(CreateStmt, stmt)->if_not_exists);
			ColumnTypes(castNode(CreateStmt, stmt)->tableElts);
			NotIdempotent(!castNode(CreateStmt, stmt)->if_not_exists,
			              "a retried CREATE TABLE fails if the table exists; write CREATE TABLE IF NOT EXISTS");
			break;
		case T_AlterTableStmt:
			AlterTable(castNode(AlterTableStmt, stmt));
			break;
		case T_IndexStmt:
			Index(castNode(IndexStmt, stmt));
			break;
		case T_DropStmt:
			Drop(castNode(DropStmt, stmt));
			break;
		case T_DropdbStmt:
			Add("drop-database", "", "DROP DATABASE loses every table in it; do it by hand, not in a migration");
			break;
		case T_RenameStmt:
			Rename(castNode(RenameStmt, stmt));
			break;
		case T_CreateTableAsStmt: {
			auto *c = castNode(CreateTableAsStmt, stmt);
			if (c->into != nullptr && c->into->rel != nullptr)
				Creates(c->into->rel, c->if_not_exists);
			break;
		}
		case T_DoStmt:
			DoBlock(castNode(DoStmt, stmt));
			break;
		case T_AlterObjectSchemaStmt: {
			auto *a = castNode(AlterObjectSchemaStmt, stmt);
			if (a->objectType == OBJECT_TABLE && a->relation != nullptr)
				pending_replaced_.insert(a->relation->relname);
			break;
		}
		case T_VariableSetStmt: {
			/* from here on an unqualified name may be another schema's table than it is now */
			const char *name = castNode(VariableSetStmt, stmt)->name;
			if (name != nullptr && strcmp(name, "search_path") == 0)
				pending_replaced_.insert(kSearchPathChanged);
			break;
		}
		case T_TruncateStmt: {
			auto *t = castNode(TruncateStmt, stmt);
			bool cascade = t->behavior == DROP_CASCADE;
			lock_ = LockName(AccessExclusiveLock);
			ListCell *lc;
			foreach (lc, t->relations) {
				auto *rv = lfirst_node(RangeVar, lc);
				Target(rv);
				pending_replaced_.insert(rv->relname);
			}
			cascade_ = cascade;
			Add(cascade ? "truncate-cascade" : "truncate", LockName(AccessExclusiveLock),
			    cascade ? "TRUNCATE ... CASCADE empties every table that references these too; delete the rows "
			              "you mean with DELETE ... WHERE"
			            : "TRUNCATE deletes every row; delete the rows you mean with DELETE ... WHERE, or "
			              "acknowledge with -- migrate:allow truncate");
			break;
		}
		case T_DeleteStmt:
		case T_UpdateStmt:
		case T_InsertStmt:
		case T_SelectStmt:
			Modify(stmt);
			break;
		case T_VacuumStmt: {
			auto *v = castNode(VacuumStmt, stmt);
			ListCell *lc;
			foreach (lc, v->options) {
				auto *opt = static_cast<DefElem *>(lfirst(lc));
				if (strcmp(opt->defname, "full") == 0 && (opt->arg == nullptr || defGetBoolean(opt))) {
					lock_ = LockName(AccessExclusiveLock);
					ListCell *rc;
					foreach (rc, v->rels)
						Target(lfirst_node(VacuumRelation, rc)->relation);
					Add("vacuum-full-or-cluster", LockName(AccessExclusiveLock),
					    "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE; use pg_repack, or plain VACUUM");
				}
			}
			NoTransaction(v->is_vacuumcmd, "VACUUM");
			break;
		}
		case T_ClusterStmt:
			lock_ = LockName(AccessExclusiveLock);
			Target(castNode(ClusterStmt, stmt)->relation);
			Add("vacuum-full-or-cluster", lock_,
			    "CLUSTER rewrites the table under ACCESS EXCLUSIVE; use pg_repack to reorder without blocking");
			NoTransaction(castNode(ClusterStmt, stmt)->relation == nullptr, "CLUSTER without a table");
			break;
		case T_ReindexStmt: {
			auto *r = castNode(ReindexStmt, stmt);
			bool concurrently = false;
			ListCell *lc;
			foreach (lc, r->params) {
				auto *opt = static_cast<DefElem *>(lfirst(lc));
				if (strcmp(opt->defname, "concurrently") == 0 && (opt->arg == nullptr || defGetBoolean(opt)))
					concurrently = true;
			}
			/* an index on a table created in this script blocks nobody */
			bool fresh = (r->kind == REINDEX_OBJECT_TABLE && Created(r->relation)) ||
			             (r->kind == REINDEX_OBJECT_INDEX && r->relation != nullptr &&
			              created_indexes_.count(r->relation->relname) > 0);
			lock_ = LockName(concurrently ? ShareUpdateExclusiveLock : ShareLock);
			Target(r->relation);
			if (!concurrently && !fresh)
				Add("reindex-not-concurrent", lock_,
				    "REINDEX blocks writes (and reads through the index) while it rebuilds; use REINDEX "
				    "CONCURRENTLY in a -- migrate:no-transaction migration");
			NoTransaction(concurrently, "REINDEX CONCURRENTLY");
			NoTransaction(r->kind == REINDEX_OBJECT_SCHEMA || r->kind == REINDEX_OBJECT_SYSTEM ||
			                  r->kind == REINDEX_OBJECT_DATABASE,
			              "REINDEX SCHEMA, SYSTEM or DATABASE");
			break;
		}
		case T_AlterEnumStmt: {
			auto *e = castNode(AlterEnumStmt, stmt);
			if (e->newVal != nullptr && e->newValNeighbor != nullptr)
				Add("enum-value-unordered", "",
				    "ADD VALUE ... BEFORE/AFTER changes the sort order of the enum for ORDER BY and comparisons; "
				    "add new values at the end unless the order is meant to change");
			NotIdempotent(e->newVal != nullptr && e->oldVal == nullptr && !e->skipIfNewValExists,
			              "a retried ADD VALUE fails once the value exists; write ADD VALUE IF NOT EXISTS");
			break;
		}
		case T_CreatedbStmt:
		case T_CreateTableSpaceStmt:
		case T_DropTableSpaceStmt:
		case T_AlterSystemStmt:
		case T_CreateSubscriptionStmt:
		case T_DropSubscriptionStmt:
			NoTransaction(true, "this statement");
			break;
		default:
			break;
		}
	}

public:
	/* The core scanner's token number for identifiers (tokens.hpp). */
	static int
	IdentifierToken()
	{
		static int token = -1;
		if (token < 0)
			token = TokenOf("x");
		return token;
	}

	/*
	 * Whether sql could hold an identifier of NAMEDATALEN bytes or more: that
	 * many identifier characters in a row, or that many between two quote
	 * marks (a doubled "" counts as text, which only lengthens a span). Most
	 * statements cannot, and are not scanned a second time for it.
	 */
	static bool
	MayHoldLongIdentifier(const std::string &sql)
	{
		std::size_t run = 0, span = 0;
		bool after_quote = false;
		for (std::size_t i = 0; i < sql.size(); i++) {
			unsigned char c = static_cast<unsigned char>(sql[i]);
			bool doubled = c == '"' && i + 1 < sql.size() && sql[i + 1] == '"';
			if (c == '"' && !doubled) {
				after_quote = true;
				span = 0;
				run = 0;
				continue;
			}
			if (doubled) {
				i++;
				span++;
			}
			if (after_quote && ++span >= NAMEDATALEN)
				return true;
			run = (isalnum(c) || c == '_' || c == '$' || c >= 0x80) ? run + 1 : 0;
			if (run >= NAMEDATALEN)
				return true;
		}
		return false;
	}

	/* Identifiers longer than PostgreSQL keeps are truncated silently (with a NOTICE). */
	void
	LongIdentifiers(const std::string &sql)
	{
		if (!MayHoldLongIdentifier(sql))
			return;
		const int ident = IdentifierToken();
		core_yy_extra_type extra;
		core_yyscan_t scanner = scanner_init(sql.c_str(), &extra, &ScanKeywords, ScanKeywordTokens);
		core_YYSTYPE value;
		YYLTYPE location;
		int token;
		while ((token = core_yylex(&value, &location, scanner)) != 0) {
			if (token != ident)
				continue;
			std::size_t pos = static_cast<std::size_t>(location), len = 0;
			if (pos < sql.size() && sql[pos] == '"') {
				std::size_t end = pos + 1;
				while (end < sql.size() && !(sql[end] == '"' && (end + 1 >= sql.size() || sql[end + 1] != '"')))
					end += sql[end] == '"' ? 2 : 1;
				len = end > pos + 1 ? end - pos - 1 : 0;
			} else {
				while (pos + len < sql.size() &&
				       (isalnum(static_cast<unsigned char>(sql[pos + len])) || sql[pos + len] == '_' ||
				        sql[pos + len] == '$' || static_cast<unsigned char>(sql[pos + len]) >= 0x80))
					len++;
			}
			if (len >= NAMEDATALEN)
				long_identifiers_.push_back(static_cast<int>(location));
		}
		scanner_finish(scanner);
	}

	std::vector<int> long_identifiers_;

	/* The lock the last statement takes on its target ("" when none or not known). */
	const char *
	StatementLock() const
	{
		return lock_;
	}

private:
	void
	Add(const char *rule, const char *lock, const std::string &message)
	{
		bool error = strcmp(RuleSeverity(rule, lint_catalog::StrictRules()), "error") == 0; /* lint_rules.hpp */
		if (scope_.fatal_only && !CannotWork(rule))
			return;
		Finding f;
		f.statement = number_;
		f.line = line_;
		f.rule = rule;
		f.severity = error ? "error" : "warning";
		f.lock_mode = lock;
		f.message = message;
		f.lock = LockModeNamed(lock);
		f.targets = targets_;
		f.cascade = cascade_;
		bool path_changed = replaced_->count(kSearchPathChanged) > 0;
		for (const RelationName &t : targets_)
			f.replaced_before = f.replaced_before || replaced_->count(t.name) > 0 || (path_changed && t.schema.empty());
		Push(std::move(f));
	}

public:
	/* Records a finding of the current top-level statement, acknowledged when a suppression comment covers it. */
	void
	Push(Finding f)
	{
		for (const Suppression *s : {&suppressed_, &file_suppressed_})
			if (s->Covers(f.rule)) {
				f.suppressed = true;
				f.suppressed_by = s->words;
				break;
			}
		out_->push_back(std::move(f));
	}

private:
	/* A relation whose rows decide the findings of this statement. */
	void
	Target(const RangeVar *rv)
	{
		if (rv != nullptr)
			targets_.push_back({rv->schemaname ? rv->schemaname : "", rv->relname});
	}

	/* CREATE TABLE (also AS, SELECT INTO): the name is this migration's from here on, unless it may exist already. */
	void
	Creates(const RangeVar *rv, bool if_not_exists)
	{
		pending_replaced_.insert(rv->relname);
		if (conditional_)
			return;
		created_.insert(RelName(rv));
		created_.insert(rv->relname);
		bool temporary = rv->relpersistence == RELPERSISTENCE_TEMP ||
		                 (rv->schemaname != nullptr && strcmp(rv->schemaname, "pg_temp") == 0);
		if (!if_not_exists)
			(temporary ? created_temp_ : created_new_)[rv->relname].insert(rv->schemaname ? rv->schemaname : "");
	}

	/*
	 * Whether a plain CREATE TABLE of this migration made rv (only a CREATE
	 * TEMP TABLE when temporary_only): then whatever it holds the migration put
	 * there, and no code outside it knows the table. A qualified name matches a
	 * table created in the same schema or unqualified.
	 */
	bool
	CreatedNew(const RangeVar *rv, bool temporary_only = false) const
	{
		if (rv == nullptr)
			return false;
		auto matches = [&](const std::map<std::string, std::set<std::string>> &created) {
			auto found = created.find(rv->relname);
			return found != created.end() && (rv->schemaname == nullptr || found->second.count("") > 0 ||
			                                  found->second.count(rv->schemaname) > 0);
		};
		return matches(created_temp_) || (!temporary_only && matches(created_new_));
	}

	/* A statement that cannot run in a transaction block. */
	void
	NoTransaction(bool applies, const char *what)
	{
		if (!applies)
			return;
		if (scope_.transactional)
			Add("requires-no-transaction", "",
			    std::string(what) + " cannot run inside a transaction; put it in a migration of its own marked -- "
			                        "migrate:no-transaction (MG003)");
	}

	/* In a no-transaction migration, a statement that fails when a partly applied migration is run again. */
	void
	NotIdempotent(bool applies, const std::string &message)
	{
		if (applies && !scope_.transactional)
			Add("non-transactional-not-idempotent", lock_, message);
	}

	/* DELETE/UPDATE without WHERE, also as data-modifying WITH queries of any statement. */
	void
	Modify(Node *stmt)
	{
		WithClause *with = nullptr;
		if (IsA(stmt, DeleteStmt)) {
			auto *d = castNode(DeleteStmt, stmt);
			with = d->withClause;
			if (d->whereClause == nullptr) {
				lock_ = LockName(RowExclusiveLock);
				targets_.clear();
				Target(d->relation);
				Add("delete-without-where", lock_,
				    "DELETE without WHERE deletes every row; add a WHERE clause, or acknowledge with -- migrate:allow "
				    "delete-without-where");
			}
		} else if (IsA(stmt, UpdateStmt)) {
			auto *u = castNode(UpdateStmt, stmt);
			with = u->withClause;
			if (u->whereClause == nullptr) {
				lock_ = LockName(RowExclusiveLock);
				targets_.clear();
				Target(u->relation);
				Add("update-without-where", lock_,
				    "UPDATE without WHERE rewrites every row; add a WHERE clause (and batch large backfills), or "
				    "acknowledge with -- migrate:allow update-without-where");
			}
		} else if (IsA(stmt, InsertStmt)) {
			with = castNode(InsertStmt, stmt)->withClause;
		} else if (IsA(stmt, SelectStmt)) {
			auto *select = castNode(SelectStmt, stmt);
			with = select->withClause;
			/* SELECT ... INTO creates a table */
			if (select->intoClause != nullptr && select->intoClause->rel != nullptr)
				Creates(select->intoClause->rel, false);
		}
		if (with == nullptr)
			return;
		ListCell *lc;
		foreach (lc, with->ctes)
			Modify(lfirst_node(CommonTableExpr, lc)->ctequery);
	}

	bool
	Created(const RangeVar *rv)
	{
		return rv != nullptr && (created_.count(RelName(rv)) > 0 || created_.count(rv->relname) > 0);
	}

	void
	ColumnTypes(List *elements)
	{
		/* a table constraint PRIMARY KEY (col) makes col a key as much as col ... PRIMARY KEY does */
		std::set<std::string> keys;
		ListCell *lc;
		foreach (lc, elements) {
			Node *element = static_cast<Node *>(lfirst(lc));
			if (IsA(element, Constraint) && castNode(Constraint, element)->contype == CONSTR_PRIMARY &&
			    list_length(castNode(Constraint, element)->keys) == 1)
				keys.insert(strVal(linitial(castNode(Constraint, element)->keys)));
		}
		foreach (lc, elements) {
			Node *element = static_cast<Node *>(lfirst(lc));
			if (IsA(element, ColumnDef))
				ColumnType(castNode(ColumnDef, element), keys.count(castNode(ColumnDef, element)->colname) > 0);
		}
	}

	void
	ColumnType(const ColumnDef *col, bool table_key = false)
	{
		const TypeName *type = col->typeName;
		if (TypeNameIs(type, "timestamp"))
			Add("prefer-timestamptz", lock_,
			    std::string("column ") + col->colname +
			        ": timestamp without time zone loses the offset; use timestamptz");
		if (TypeNameIs(type, "varchar") && type->typmods != NIL)
			Add("prefer-text", lock_,
			    std::string("column ") + col->colname +
			        ": varchar(n) needs a table rewrite-free ALTER only to grow; use text with a CHECK (length(...) <= "
			        "n)");
		if (TypeNameIs(type, "json"))
			Add("prefer-jsonb", lock_,
			    std::string("column ") + col->colname + ": json is stored as text and cannot be indexed; use jsonb");
		if (IsSerial(type))
			Add("prefer-identity", lock_,
			    std::string("column ") + col->colname +
			        ": serial types own a loose sequence; use bigint GENERATED ALWAYS AS IDENTITY");
		bool small = TypeNameIs(type, "int4") || TypeNameIs(type, "int2") || TypeNameIs(type, "serial") ||
		             TypeNameIs(type, "serial4") || TypeNameIs(type, "smallserial") || TypeNameIs(type, "serial2");
		bool key = table_key;
		ListCell *lc;
		foreach (lc, col->constraints) {
			auto *c = castNode(Constraint, lfirst(lc));
			if (c->contype == CONSTR_PRIMARY || c->contype == CONSTR_IDENTITY)
				key = true;
		}
		if (small && (key || IsSerial(type)))
			Add("prefer-bigint", lock_,
			    std::string("column ") + col->colname +
			        ": a 32-bit key runs out at 2^31; use bigint (changing it later rewrites the table)");
	}

	void
	AlterTable(AlterTableStmt *stmt)
	{
		if (stmt->objtype != OBJECT_TABLE && stmt->objtype != OBJECT_MATVIEW)
			return;
		const char *lock = LockName(AlterTableGetLockLevel(stmt->cmds));
		lock_ = lock;
		bool fresh = Created(stmt->relation);
		Target(stmt->relation);
		ListCell *lc;
		foreach (lc, stmt->cmds) {
			auto *cmd = castNode(AlterTableCmd, lfirst(lc));
			switch (cmd->subtype) {
			case AT_DropColumn:
				NotIdempotent(!cmd->missing_ok, std::string("a retried DROP COLUMN fails once ") + cmd->name +
				                                    " is gone; write DROP COLUMN IF EXISTS");
				/* a column of a table this migration created, or one it added: nobody else has its data */
				if (CreatedNew(stmt->relation) || added_columns_.count(ColumnKey(stmt->relation, cmd->name)) > 0)
					break;
				Add("drop-column", lock,
				    std::string("dropping column ") + cmd->name +
				        " breaks code still reading it and loses its data; stop using it in a release first, then drop "
				        "it with -- migrate:allow drop-column");
				break;
			case AT_DropNotNull:
				Add("drop-not-null", lock,
				    std::string("column ") + cmd->name +
				        " becomes nullable: clients that assume a value break; make sure every reader handles NULL");
				break;
			case AT_SetNotNull:
				if (!fresh && !lint_catalog::ColumnProvenNotNull(stmt->relation, cmd->name))
					Add("set-not-null", lock,
					    std::string("SET NOT NULL on ") + cmd->name +
					        " scans the whole table under ACCESS EXCLUSIVE; first ADD CONSTRAINT ... CHECK (" +
					        cmd->name +
					        " IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration, then SET NOT NULL");
				break;
			case AT_AlterColumnType:
				if (!fresh && !lint_catalog::TypeChangeKeepsData(stmt->relation, cmd))
					Add("column-type-change", lock,
					    std::string("changing the type of ") + cmd->name +
					        " rewrites the table under ACCESS EXCLUSIVE; add a new column, backfill it in batches, "
					        "and switch readers over");
				break;
			case AT_AddColumn:
				NotIdempotent(!cmd->missing_ok, std::string("a retried ADD COLUMN fails once ") +
				                                    castNode(ColumnDef, cmd->def)->colname +
				                                    " exists; write ADD COLUMN IF NOT EXISTS");
				if (!cmd->missing_ok && !conditional_)
					added_columns_.insert(ColumnKey(stmt->relation, castNode(ColumnDef, cmd->def)->colname));
				AddColumn(castNode(ColumnDef, cmd->def), lock, fresh);
				break;
			case AT_AddConstraint:
				AddConstraint(stmt->relation, castNode(Constraint, cmd->def), lock, fresh);
				break;
			default:
				break;
			}
		}
	}

	void
	AddColumn(const ColumnDef *col, const char *lock, bool fresh)
	{
		ColumnType(col);
		bool not_null = false, has_default = false, generated = false, identity = false, stored_generated = false;
		Node *default_expr = nullptr;
		ListCell *lc;
		foreach (lc, col->constraints) {
			auto *c = castNode(Constraint, lfirst(lc));
			if (c->contype == CONSTR_NOTNULL || c->contype == CONSTR_PRIMARY)
				not_null = true;
			if (c->contype == CONSTR_DEFAULT) {
				default_expr = c->raw_expr;
				/* DEFAULT NULL fills no row */
				has_default = !(IsA(default_expr, A_Const) && castNode(A_Const, default_expr)->isnull);
			}
			if (c->contype == CONSTR_IDENTITY || c->contype == CONSTR_GENERATED)
				generated = true;
			if (c->contype == CONSTR_GENERATED && compat::GeneratedStored(c))
				stored_generated = true;
			/* an identity column is filled from its sequence row by row, like serial */
			if (c->contype == CONSTR_IDENTITY)
				identity = true;
		}
		if (fresh)
			return;
		if (not_null && !has_default && !generated)
			Add("add-not-null-without-default", lock,
			    std::string("column ") + col->colname +
			        " NOT NULL without a default fails on a table with rows; add it nullable (or with a constant "
			        "DEFAULT), backfill, then set NOT NULL");
		if (stored_generated)
			Add("stored-generated-column", lock,
			    std::string("adding the stored generated column ") + col->colname +
			        " computes it for every row and rewrites the table under ACCESS EXCLUSIVE; add a plain column, "
			        "backfill it in batches, and keep it current with a trigger" +
			        (PG_VERSION_NUM >= 180000 ? " (or make it VIRTUAL, which stores nothing)" : ""));
		if (IsSerial(col->typeName) || identity || (has_default && HasVolatileCall(default_expr)))
			Add("volatile-default", lock,
			    std::string("column ") + col->colname +
			        " with a volatile default rewrites the whole table under ACCESS EXCLUSIVE; add it without the "
			        "default, set the default for new rows, backfill existing rows in batches");
	}

	void
	AddConstraint(const RangeVar *relation, const Constraint *c, const char *lock, bool fresh)
	{
		if (fresh)
			return;
		if ((c->contype == CONSTR_FOREIGN || c->contype == CONSTR_CHECK) && !c->skip_validation)
			Add("constraint-not-valid-missing", lock,
			    std::string(c->contype == CONSTR_FOREIGN ? "FOREIGN KEY" : "CHECK") +
			        " constraint validates every row while holding " + lock +
			        "; add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE)");
		/* ADD CONSTRAINT ... NOT NULL col (18+) scans like SET NOT NULL, unless NOT VALID */
		if (c->contype == CONSTR_NOTNULL && !c->skip_validation && !NotNullProven(relation, c))
			Add("set-not-null", lock,
			    "NOT NULL constraint scans the whole table under ACCESS EXCLUSIVE; add it NOT VALID, then VALIDATE "
			    "CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE)");
		if (c->contype == CONSTR_UNIQUE && c->indexname == nullptr)
			Add("unique-constraint-without-index", lock,
			    "UNIQUE builds its index under ACCESS EXCLUSIVE; CREATE UNIQUE INDEX CONCURRENTLY first (in a -- "
			    "migrate:no-transaction migration), then ADD CONSTRAINT ... UNIQUE USING INDEX");
		if (c->contype == CONSTR_PRIMARY && c->indexname == nullptr)
			Add("primary-key-without-index", lock,
			    "PRIMARY KEY builds its index under ACCESS EXCLUSIVE; CREATE UNIQUE INDEX CONCURRENTLY first, then ADD "
			    "CONSTRAINT ... PRIMARY KEY USING INDEX");
	}

	void
	Index(const IndexStmt *stmt)
	{
		const char *lock = LockName(stmt->concurrent ? ShareUpdateExclusiveLock : ShareLock);
		lock_ = lock;
		bool fresh = Created(stmt->relation);
		Target(stmt->relation);
		if (fresh && stmt->idxname != nullptr && !conditional_)
			created_indexes_.insert(stmt->idxname);
		if (!stmt->concurrent && !fresh)
			Add("index-not-concurrent", lock,
			    "CREATE INDEX blocks writes to " + RelName(stmt->relation) +
			        " while it builds; use CREATE INDEX CONCURRENTLY in a -- migrate:no-transaction migration");
		NoTransaction(stmt->concurrent, "CREATE INDEX CONCURRENTLY");
		NotIdempotent(!stmt->if_not_exists,
		              stmt->concurrent ? "a retried CREATE INDEX CONCURRENTLY fails if the index exists; write CREATE "
		                                 "INDEX CONCURRENTLY IF NOT EXISTS"
		                               : "a retried CREATE INDEX fails if the index exists; write CREATE INDEX IF NOT "
		                                 "EXISTS");
	}

	void
	Drop(const DropStmt *stmt)
	{
		switch (stmt->removeType) {
		case OBJECT_TABLE: {
			lock_ = LockName(AccessExclusiveLock);
			/* temporary tables this migration created hold nothing of anyone else's, and no code knows them */
			bool fresh = true;
			ListCell *lc;
			foreach (lc, stmt->objects) {
				RangeVar *rv = makeRangeVarFromNameList(lfirst_node(List, lc));
				Target(rv);
				pending_replaced_.insert(rv->relname);
				fresh = fresh && CreatedNew(rv, true);
			}
			if (fresh)
				break;
			Add("drop-table", lock_,
			    "DROP TABLE loses its data and breaks code still using it; stop using it in a release first, then drop "
			    "it with -- migrate:allow drop-table");
			break;
		}
		case OBJECT_INDEX: {
			lock_ = LockName(stmt->concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock);
			ListCell *oc;
			foreach (oc, stmt->objects)
				Target(makeRangeVarFromNameList(lfirst_node(List, oc)));
			/* indexes on tables created in this script block nobody */
			bool fresh = true;
			ListCell *lc;
			foreach (lc, stmt->objects)
				if (created_indexes_.count(strVal(llast(lfirst_node(List, lc)))) == 0)
					fresh = false;
			if (!stmt->concurrent && !fresh)
				Add("drop-index-not-concurrent", lock_,
				    "DROP INDEX takes ACCESS EXCLUSIVE on its table; use DROP INDEX CONCURRENTLY in a -- "
				    "migrate:no-transaction migration");
			NoTransaction(stmt->concurrent, "DROP INDEX CONCURRENTLY");
			NotIdempotent(stmt->concurrent && !stmt->missing_ok,
			              "a retried DROP INDEX CONCURRENTLY fails once the index is gone; write DROP INDEX "
			              "CONCURRENTLY IF EXISTS");
			break;
		}
		default:
			break;
		}
		if (stmt->removeType != OBJECT_INDEX || !stmt->concurrent)
			NotIdempotent(!stmt->missing_ok, "a retried DROP fails once the object is gone; write DROP ... IF EXISTS");
	}

	void
	Rename(const RenameStmt *stmt)
	{
		if (stmt->renameType == OBJECT_COLUMN || stmt->renameType == OBJECT_TABLE)
			lock_ = LockName(AccessExclusiveLock);
		if (stmt->renameType == OBJECT_TABLE && stmt->newname != nullptr)
			pending_replaced_.insert(stmt->newname); /* the name is another table's from here on */
		if (stmt->renameType == OBJECT_COLUMN)
			Add("rename-column", LockName(AccessExclusiveLock),
			    std::string("renaming column ") + stmt->subname +
			        " breaks running application code; add the new column (or a view) and migrate readers first");
		else if (stmt->renameType == OBJECT_TABLE)
			Add("rename-table", LockName(AccessExclusiveLock),
			    "renaming table " + RelName(stmt->relation) +
			        " breaks running application code; leave an updatable view under the old name during the switch");
	}

	/* Whether the one column of a table-level NOT NULL constraint is proven not null already. */
	bool
	NotNullProven(const RangeVar *relation, const Constraint *c)
	{
		return list_length(c->keys) == 1 && lint_catalog::ColumnProvenNotNull(relation, strVal(linitial(c->keys)));
	}

	/* "table.column" of a column: both names as parsed (a qualified table counts by its name). */
	static std::string
	ColumnKey(const RangeVar *rv, const char *column)
	{
		return std::string(rv->relname) + "." + column;
	}

	/* Newlines in text before offset. */
	static int
	LinesBefore(const std::string &text, std::size_t offset)
	{
		return static_cast<int>(std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
	}

	/*
	 * A DO block: its PL/pgSQL statements are linted in place, at their own
	 * lines, with the suppression comments of the DO statement. A CREATE
	 * inside IF, a loop or a handler may not run, so it does not count as
	 * created; when the block has an exception handler, nothing it creates
	 * counts after it (an error rolls the block back, and the handler may
	 * swallow it).
	 */
	void
	DoBlock(DoStmt *stmt)
	{
		const char *body = nullptr, *language = "plpgsql";
		int location = -1;
		ListCell *lc;
		foreach (lc, stmt->args) {
			auto *opt = static_cast<DefElem *>(lfirst(lc));
			if (strcmp(opt->defname, "as") == 0) {
				body = strVal(opt->arg);
				location = opt->location;
			} else if (strcmp(opt->defname, "language") == 0) {
				language = strVal(opt->arg);
			}
		}
		if (body == nullptr)
			return;
		int body_line = line_;
		if (location >= 0)
			body_line = first_line_ + LinesBefore(section_, static_cast<std::size_t>(location));
		const int do_line = line_;
		const std::string *do_text = text_;
		if (strcmp(language, "plpgsql") != 0) {
			Add("do-block-not-checked", "",
			    std::string("a DO block in LANGUAGE ") + language +
			        " is not checked by lint; review what it does, or move its SQL out of the block");
			return;
		}
		std::string source(body);
		BodyScan scan;
		try {
			scan = ScanPlpgsqlBody(source);
		} catch (const PgException &e) {
			scan.unchecked = "its body cannot be read as PL/pgSQL";
		}
		auto created = created_;
		auto created_new = created_new_;
		auto created_temp = created_temp_;
		auto created_indexes = created_indexes_;
		auto added_columns = added_columns_;
		bool was_conditional = conditional_;
		for (const BodyStatement &inner : scan.statements) {
			List *parsed = NIL;
			try {
				parsed = pg::Call([&] { return raw_parser(inner.sql.c_str(), RAW_PARSE_DEFAULT); });
			} catch (const PgException &) {
				if (scan.unchecked.empty()) {
					scan.unchecked = "a statement in it is not SQL the server can read without its variables";
					scan.unchecked_at = inner.offset;
				}
				continue;
			}
			int line = body_line + LinesBefore(source, inner.offset);
			conditional_ = was_conditional || inner.conditional;
			ListCell *pc;
			foreach (pc, parsed)
				Inner(lfirst_node(RawStmt, pc)->stmt, line, inner.sql);
		}
		conditional_ = was_conditional;
		if (scan.has_handler) {
			created_ = created;
			created_new_ = created_new;
			created_temp_ = created_temp;
			created_indexes_ = created_indexes;
			added_columns_ = added_columns;
		}
		line_ = do_line;
		text_ = do_text;
		lock_ = "";
		targets_.clear();
		cascade_ = false;
		if (!scan.unchecked.empty()) {
			line_ = body_line + LinesBefore(source, scan.unchecked_at);
			Add("do-block-not-checked", "",
			    "this DO block is not fully checked by lint: " + scan.unchecked +
			        "; review that SQL by hand, or move it out of the block");
			line_ = do_line;
		}
	}

	const LintScope &scope_;
	std::vector<Finding> *out_;
	const std::string &section_;
	int first_line_;
	std::set<std::string> own_replaced_;
	std::set<std::string> *replaced_;
	std::set<std::string> pending_replaced_;
	std::set<std::string> created_, created_indexes_, added_columns_;
	/* name -> schemas ("" unqualified) of plain CREATE TABLE and CREATE TEMP TABLE */
	std::map<std::string, std::set<std::string>> created_new_, created_temp_;
	std::vector<RelationName> targets_;
	bool cascade_ = false;
	bool conditional_ = false;
	Suppression suppressed_, file_suppressed_;
	const char *lock_ = "";
	int number_ = 0, line_ = 0;
	const std::string *text_ = nullptr;
};

} // namespace

std::vector<Finding>
LintSection(const std::string &sql, const SectionOrigin &origin, const LintScope &scope)
{
	return LintSection(sql, origin, scope, nullptr);
}

std::vector<Finding>
LintSection(const std::string &sql, const SectionOrigin &origin, const LintScope &scope,
            std::vector<Statement> *statements_out)
{
	List *parsed = nullptr; /* raw_parser's statements, walked below: the text is parsed once */
	std::vector<Statement> statements = SplitStatements(sql, origin, &parsed);
	std::vector<Finding> findings;
	/* Suppression comments stand in the text between statements: before each statement's first token. */
	std::vector<Suppression> before(statements.size());
	Suppression file;
	/* Outside the Call: an ereport during the walk must not skip the destructors of its sets. */
	Linter linter(scope, &findings, sql, origin.first_line);
	pg::Call([&] {
		ListCell *lc;
		/* from the end of the statement before (where its ';' stands) to this one's first token */
		std::size_t i = 0, covered = 0;
		foreach (lc, parsed) {
			if (i >= statements.size())
				break;
			auto *raw = lfirst_node(RawStmt, lc);
			std::size_t begin = static_cast<std::size_t>(raw->stmt_location);
			std::size_t end = raw->stmt_len == 0 ? sql.size() : begin + static_cast<std::size_t>(raw->stmt_len);
			std::size_t trimmed = end;
			while (trimmed > begin && isspace(static_cast<unsigned char>(sql[trimmed - 1])))
				trimmed--;
			std::size_t first =
			    trimmed - begin >= statements[i].sql.size() ? trimmed - statements[i].sql.size() : begin;
			if (first > covered)
				ReadSuppressions(sql.substr(covered, first - covered), i == 0, &before[i], &file);
			covered = std::max(covered, end);
			i++;
		}
		Suppression after; /* comments after the last statement: only file-level ones count */
		if (covered < sql.size())
			ReadSuppressions(sql.substr(covered), false, &after, &file);
		linter.SuppressFile(file);
		i = 0;
		foreach (lc, parsed) {
			if (i >= statements.size())
				break;
			const Statement &st = statements[i];
			linter.Statement(lfirst_node(RawStmt, lc)->stmt, st.number, st.line, st.sql, before[i]);
			i++;
			linter.long_identifiers_.clear();
			linter.LongIdentifiers(st.sql);
			for (int location : linter.long_identifiers_)
				linter.Push({st.number, LineAtPosition(st.sql, st.line, location + 1), "identifier-too-long", "warning",
				             linter.StatementLock(),
				             "an identifier longer than 63 bytes is silently truncated; shorten it"});
		}
	});
	if (statements_out != nullptr)
		*statements_out = std::move(statements);
	return findings;
}

std::vector<ScriptFinding>
LintScript(const std::string &script)
{
	Script parsed;
	try {
		parsed = ParseScript(script, "schema");
	} catch (const ScriptError &e) {
		throw MigrateError(MG_INVALID_SCRIPT, "line " + std::to_string(e.line) + ": " + e.what());
	}
	SectionOrigin origin{"lint", "up", parsed.up.first_line};
	/* register() accepts a down that does not parse (broken_down.hpp): a warning here too */
	std::optional<Finding> broken_down;
	std::optional<std::vector<Statement>> down_split; /* split once: by the check, then used to settle */
	if (parsed.down.present) {
		if (auto broken =
		        FindDownSyntaxError(parsed.down.sql, {origin.where, "down", parsed.down.first_line}, &down_split)) {
			broken_down = Finding{0,
			                      broken->line,
			                      "broken-down",
			                      "warning",
			                      "",
			                      "the down section does not parse: " + broken->message +
			                          "; rolling this migration back will be refused until it is fixed"};
			parsed.down.present = false;
		}
	}
	/* as register() runs it: a file's own BEGIN/COMMIT, if-needed */
	SettleTransaction(&parsed, origin, std::move(down_split));
	std::vector<Finding> findings = LintSection(parsed.up.sql, origin, {parsed.transactional, false});
	std::size_t up_count = findings.size();
	if (broken_down)
		findings.push_back(*broken_down);
	if (parsed.down.present) {
		origin.section = "down";
		origin.first_line = parsed.down.first_line;
		for (auto &f : LintSection(parsed.down.sql, origin, {parsed.transactional, true}))
			findings.push_back(f);
	}
	std::vector<ScriptFinding> out;
	out.reserve(findings.size());
	for (std::size_t i = 0; i < findings.size(); i++) {
		ScriptFinding sf;
		sf.finding = std::move(findings[i]);
		const Finding &f = sf.finding;
		sf.allowed = f.suppressed || std::find(parsed.allow.begin(), parsed.allow.end(), f.rule) != parsed.allow.end();
		/* what apply() would do with the up section against this database, as it is now */
		if (f.severity != "error" || sf.allowed || i >= up_count)
			sf.blocks_here = f.severity == "error" && !sf.allowed;
		else
			sf.blocks_here = BlocksHere(f);
		out.push_back(std::move(sf));
	}
	return out;
}

bool
DependsOnData(const Finding &finding)
{
	return !finding.targets.empty() && DependsOnDataRule(finding.rule);
}

std::optional<bool>
BlocksHere(const Finding &finding)
{
	if (!DependsOnData(finding))
		return true;
	/* a table an earlier statement replaced or emptied is not the one there now */
	if (finding.replaced_before)
		return false;
	return lint_catalog::TargetsHoldRows(finding);
}

std::vector<FindingLine>
FindingLines(const std::vector<Finding> &findings)
{
	std::vector<FindingLine> lines;
	lines.reserve(findings.size());
	for (const Finding &f : findings)
		lines.push_back({f.rule, f.statement, f.line, f.message});
	return lines;
}

std::string
DescribeFindings(const std::vector<Finding> &findings)
{
	std::string out;
	for (const FindingLine &f : FindingLines(findings)) {
		if (!out.empty())
			out += "\n";
		out += FormatFinding(f);
	}
	return out;
}

} // namespace pgmigrate

/*
 * lint.cpp — the rules of §8, read off raw parse trees.
 *
 * Classification runs inside one pg::Call per section: it walks PostgreSQL
 * nodes and asks the catalog only where a rule has a safe case that depends
 * on the existing schema (a binary-coercible type change, SET NOT NULL backed
 * by a validated CHECK, a default whose function is volatile).
 */
#include "lint.hpp"

#include "broken_down.hpp"
#include "guard.hpp"
#include "script.hpp"
#include "settings.hpp"
#include "transaction_policy.hpp"

#include <optional>
#include <set>

extern "C" {
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_proc.h"
#include "commands/defrem.h"
#include "commands/tablecmds.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_node.h"
#include "parser/parse_type.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "access/genam.h"
#include "utils/fmgroids.h"
#include "storage/lock.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
}

#include "pg_compat.hpp"
#include "tokens.hpp"

namespace pgmigrate {

namespace {

/* Rules that lose data or cannot work: errors unless acknowledged. */
const std::set<std::string> kErrorRules = {"drop-table",
                                           "drop-column",
                                           "drop-database",
                                           "truncate",
                                           "truncate-cascade",
                                           "delete-without-where",
                                           "update-without-where",
                                           "add-not-null-without-default",
                                           "requires-no-transaction",
                                           "transaction-control"};

/* Rules about locks and rewrites: errors with pg_migrate.lint_strict. */
const std::set<std::string> kLockingRules = {"column-type-change",
                                             "set-not-null",
                                             "volatile-default",
                                             "stored-generated-column",
                                             "index-not-concurrent",
                                             "drop-index-not-concurrent",
                                             "reindex-not-concurrent",
                                             "constraint-not-valid-missing",
                                             "unique-constraint-without-index",
                                             "primary-key-without-index",
                                             "vacuum-full-or-cluster"};

/* Lock modes as the documentation and pg_locks users name them. */
const char *
LockName(LOCKMODE mode)
{
	static const char *const names[] = {
	    "",      "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
	    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
	return mode >= 0 && mode <= AccessExclusiveLock ? names[mode] : "";
}

std::string
RelName(const RangeVar *rv)
{
	if (rv == nullptr)
		return "";
	return rv->schemaname ? std::string(rv->schemaname) + "." + rv->relname : std::string(rv->relname);
}

/* The relation, if it exists now (no lock, no error). */
Oid
ExistingRelation(const RangeVar *rv)
{
	return rv ? RangeVarGetRelid(rv, NoLock, true) : InvalidOid;
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
		auto *call = castNode(FuncCall, expr);
		int nargs = list_length(call->args);
		FuncCandidateList candidates = FuncnameGetCandidates(call->funcname, nargs, NIL, false, false, false, true);
		bool any = false, all_volatile = true;
		for (FuncCandidateList c = candidates; c != nullptr; c = c->next) {
			any = true;
			if (func_volatile(c->oid) != PROVOLATILE_VOLATILE)
				all_volatile = false;
		}
		if (any && all_volatile)
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

class Linter {
public:
	Linter(const LintScope &scope, std::vector<Finding> *out) : scope_(scope), out_(out) {}

	void
	Statement(Node *stmt, int number, int line, const std::string &text)
	{
		number_ = number;
		line_ = line;
		text_ = &text;
		lock_ = "";
		switch (nodeTag(stmt)) {
		case T_TransactionStmt:
			Add("transaction-control", "",
			    "transaction control inside a migration; pg_migrate runs each migration in a transaction itself "
			    "-- remove it (MG003)");
			break;
		case T_CreateStmt:
			created_.insert(RelName(castNode(CreateStmt, stmt)->relation));
			created_.insert(castNode(CreateStmt, stmt)->relation->relname);
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
		case T_TruncateStmt: {
			auto *t = castNode(TruncateStmt, stmt);
			bool cascade = t->behavior == DROP_CASCADE;
			lock_ = LockName(AccessExclusiveLock);
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
					Add("vacuum-full-or-cluster", LockName(AccessExclusiveLock),
					    "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE; use pg_repack, or plain VACUUM");
				}
			}
			NoTransaction(v->is_vacuumcmd, "VACUUM");
			break;
		}
		case T_ClusterStmt:
			lock_ = LockName(AccessExclusiveLock);
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

	/* The core scanner's token number for identifiers (tokens.hpp). */
	static int
	IdentifierToken()
	{
		static int token = -1;
		if (token < 0)
			token = TokenOf("x");
		return token;
	}

	/* Identifiers longer than PostgreSQL keeps are truncated silently (with a NOTICE). */
	void
	LongIdentifiers(const std::string &sql)
	{
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
		bool error = kErrorRules.count(rule) > 0 || (LintStrict() && kLockingRules.count(rule) > 0);
		if (scope_.fatal_only && strcmp(rule, "requires-no-transaction") != 0 &&
		    strcmp(rule, "transaction-control") != 0)
			return;
		out_->push_back({number_, line_, rule, error ? "error" : "warning", lock, message});
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
				Add("delete-without-where", lock_,
				    "DELETE without WHERE deletes every row; add a WHERE clause, or acknowledge with -- migrate:allow "
				    "delete-without-where");
			}
		} else if (IsA(stmt, UpdateStmt)) {
			auto *u = castNode(UpdateStmt, stmt);
			with = u->withClause;
			if (u->whereClause == nullptr) {
				lock_ = LockName(RowExclusiveLock);
				Add("update-without-where", lock_,
				    "UPDATE without WHERE rewrites every row; add a WHERE clause (and batch large backfills), or "
				    "acknowledge with -- migrate:allow update-without-where");
			}
		} else if (IsA(stmt, InsertStmt)) {
			with = castNode(InsertStmt, stmt)->withClause;
		} else if (IsA(stmt, SelectStmt)) {
			with = castNode(SelectStmt, stmt)->withClause;
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
		ListCell *lc;
		foreach (lc, stmt->cmds) {
			auto *cmd = castNode(AlterTableCmd, lfirst(lc));
			switch (cmd->subtype) {
			case AT_DropColumn:
				NotIdempotent(!cmd->missing_ok, std::string("a retried DROP COLUMN fails once ") + cmd->name +
				                                    " is gone; write DROP COLUMN IF EXISTS");
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
				if (!fresh && !HasNotNullCheck(stmt->relation, cmd->name))
					Add("set-not-null", lock,
					    std::string("SET NOT NULL on ") + cmd->name +
					        " scans the whole table under ACCESS EXCLUSIVE; first ADD CONSTRAINT ... CHECK (" +
					        cmd->name +
					        " IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration, then SET NOT NULL");
				break;
			case AT_AlterColumnType:
				if (!fresh && !BinaryCoercible(stmt->relation, cmd))
					Add("column-type-change", lock,
					    std::string("changing the type of ") + cmd->name +
					        " rewrites the table under ACCESS EXCLUSIVE; add a new column, backfill it in batches, "
					        "and switch readers over");
				break;
			case AT_AddColumn:
				NotIdempotent(!cmd->missing_ok, std::string("a retried ADD COLUMN fails once ") +
				                                    castNode(ColumnDef, cmd->def)->colname +
				                                    " exists; write ADD COLUMN IF NOT EXISTS");
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
		if (fresh && stmt->idxname != nullptr)
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
		case OBJECT_TABLE:
			lock_ = LockName(AccessExclusiveLock);
			Add("drop-table", lock_,
			    "DROP TABLE loses its data and breaks code still using it; stop using it in a release first, then drop "
			    "it with -- migrate:allow drop-table");
			break;
		case OBJECT_INDEX: {
			lock_ = LockName(stmt->concurrent ? ShareUpdateExclusiveLock : AccessExclusiveLock);
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
		return list_length(c->keys) == 1 && HasNotNullCheck(relation, strVal(linitial(c->keys)));
	}

	/*
	 * A validated CHECK (col IS NOT NULL) lets SET NOT NULL skip its scan (PostgreSQL 12+); a column that is NOT
	 * NULL already has nothing to scan — unless, from 18 on, its NOT NULL constraint is NOT VALID, which SET NOT
	 * NULL validates by scanning.
	 */
	bool
	HasNotNullCheck(const RangeVar *rv, const char *column)
	{
		Oid rel = ExistingRelation(rv);
		if (!OidIsValid(rel))
			return false;
		HeapTuple attribute = SearchSysCacheAttName(rel, column);
		if (HeapTupleIsValid(attribute)) {
			auto *form = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(attribute));
			bool not_null = form->attnotnull && compat::NotNullValidated(rel, form->attnum);
			ReleaseSysCache(attribute);
			if (not_null)
				return true;
		}
		std::string wanted = std::string("CHECK ((") + quote_identifier(column) + " IS NOT NULL))";
		bool found = false;
		Relation catalog = table_open(ConstraintRelationId, AccessShareLock);
		ScanKeyData key;
		ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(rel));
		SysScanDesc scan = systable_beginscan(catalog, ConstraintRelidTypidNameIndexId, true, nullptr, 1, &key);
		HeapTuple tuple;
		while (!found && HeapTupleIsValid(tuple = systable_getnext(scan))) {
			auto *form = reinterpret_cast<Form_pg_constraint>(GETSTRUCT(tuple));
			if (form->contype != CONSTRAINT_CHECK || !form->convalidated)
				continue;
			char *def = TextDatumGetCString(DirectFunctionCall1(pg_get_constraintdef, ObjectIdGetDatum(form->oid)));
			found = wanted == def;
		}
		systable_endscan(scan);
		table_close(catalog, AccessShareLock);
		if (found)
			return true;
		return false;
	}

	/*
	 * Whether the type change keeps the data as it is (no rewrite), decided as ALTER TABLE decides it: the old
	 * column coerced to the new type and simplified by the planner (length coercions that only widen, such as
	 * varchar(n) to varchar(m >= n) or numeric(p,s) to numeric(q >= p,s), drop out) is the column itself or a
	 * relabeling of it. timestamp <-> timestamptz counts as a rewrite: whether it is one depends on the TimeZone
	 * of the session that runs the migration.
	 */
	bool
	BinaryCoercible(const RangeVar *rv, const AlterTableCmd *cmd)
	{
		Oid rel = ExistingRelation(rv);
		if (!OidIsValid(rel))
			return false;
		auto *def = castNode(ColumnDef, cmd->def);
		if (def->raw_default != nullptr)
			return false; /* USING expression */
		AttrNumber att = get_attnum(rel, cmd->name);
		if (att == InvalidAttrNumber)
			return false;
		Oid old_type;
		int32 old_typmod;
		Oid old_collation;
		get_atttypetypmodcoll(rel, att, &old_type, &old_typmod, &old_collation);
		int32 new_typmod = -1;
		Type type = LookupTypeName(nullptr, def->typeName, &new_typmod, true);
		if (type == nullptr)
			return false;
		Oid new_type = typeTypeId(type);
		ReleaseSysCache(type);
		ParseState *pstate = make_parsestate(nullptr);
		Node *expr = coerce_to_target_type(
		    pstate, reinterpret_cast<Node *>(makeVar(1, att, old_type, old_typmod, old_collation, 0)), old_type,
		    new_type, new_typmod, COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST, -1);
		free_parsestate(pstate);
		if (expr == nullptr)
			return false;
		expr = reinterpret_cast<Node *>(expression_planner(reinterpret_cast<Expr *>(expr)));
		for (;;) {
			if (IsA(expr, Var))
				return true;
			if (IsA(expr, RelabelType))
				expr = reinterpret_cast<Node *>(castNode(RelabelType, expr)->arg);
			else if (IsA(expr, CoerceToDomain) && !DomainHasConstraints(castNode(CoerceToDomain, expr)->resulttype))
				expr = reinterpret_cast<Node *>(castNode(CoerceToDomain, expr)->arg);
			else
				return false;
		}
	}

	const LintScope &scope_;
	std::vector<Finding> *out_;
	std::set<std::string> created_, created_indexes_;
	const char *lock_ = "";
	int number_ = 0, line_ = 0;
	const std::string *text_ = nullptr;
};

} // namespace

std::vector<Finding>
LintSection(const std::string &sql, const SectionOrigin &origin, const LintScope &scope)
{
	std::vector<Statement> statements = SplitStatements(sql, origin);
	std::vector<Finding> findings;
	pg::Call([&] {
		Linter linter(scope, &findings);
		List *parsed = raw_parser(sql.c_str(), RAW_PARSE_DEFAULT);
		ListCell *lc;
		std::size_t i = 0;
		foreach (lc, parsed) {
			if (i >= statements.size())
				break;
			const Statement &st = statements[i++];
			linter.Statement(lfirst_node(RawStmt, lc)->stmt, st.number, st.line, st.sql);
			linter.long_identifiers_.clear();
			linter.LongIdentifiers(st.sql);
			for (int location : linter.long_identifiers_)
				findings.push_back({st.number, LineAtPosition(st.sql, st.line, location + 1), "identifier-too-long",
				                    "warning", linter.StatementLock(),
				                    "an identifier longer than 63 bytes is silently truncated; shorten it"});
		}
	});
	return findings;
}

std::vector<Finding>
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
	if (parsed.down.present) {
		if (auto broken = FindDownSyntaxError(parsed.down.sql, {origin.where, "down", parsed.down.first_line})) {
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
	SettleTransaction(&parsed, origin); /* as register() runs it: a file's own BEGIN/COMMIT, if-needed */
	std::vector<Finding> findings = LintSection(parsed.up.sql, origin, {parsed.transactional, false});
	if (broken_down)
		findings.push_back(*broken_down);
	if (parsed.down.present) {
		origin.section = "down";
		origin.first_line = parsed.down.first_line;
		for (auto &f : LintSection(parsed.down.sql, origin, {parsed.transactional, true}))
			findings.push_back(f);
	}
	return findings;
}

std::string
DescribeFindings(const std::vector<Finding> &findings)
{
	std::string out;
	for (const auto &f : findings) {
		if (!out.empty())
			out += "\n";
		out += f.rule + " (statement " + std::to_string(f.statement) + ", line " + std::to_string(f.line) +
		       "): " + f.message;
	}
	return out;
}

} // namespace pgmigrate

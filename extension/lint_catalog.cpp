/*
 * lint_catalog.cpp — the extension's answers to lint_catalog.hpp, from the
 * syscache of the database lint runs in. Called from inside the walk's
 * pg::Call: nothing here keeps a C++ object with a destructor alive across a
 * catalog call.
 */
#include "lint_catalog.hpp"

#include "guard.hpp"
#include "lint_here.hpp"
#include "settings.hpp"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_proc.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_node.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
}

#include "pg_compat.hpp"

namespace pgmigrate::lint_catalog {

namespace {

/* The relation, if it exists now (no lock, no error). */
Oid
ExistingRelation(const RangeVar *rv)
{
	return rv ? RangeVarGetRelid(rv, NoLock, true) : InvalidOid;
}

} // namespace

bool
StrictRules()
{
	return LintStrict();
}

bool
AllCandidatesVolatile(const FuncCall *call)
{
	int nargs = list_length(call->args);
	FuncCandidateList candidates = FuncnameGetCandidates(call->funcname, nargs, NIL, false, false, false, true);
	bool any = false, all_volatile = true;
	for (FuncCandidateList c = candidates; c != nullptr; c = c->next) {
		any = true;
		if (func_volatile(c->oid) != PROVOLATILE_VOLATILE)
			all_volatile = false;
	}
	return any && all_volatile;
}

/*
 * A validated CHECK (col IS NOT NULL) lets SET NOT NULL skip its scan (PostgreSQL 12+); a column that is NOT
 * NULL already has nothing to scan — unless, from 18 on, its NOT NULL constraint is NOT VALID, which SET NOT
 * NULL validates by scanning.
 */
bool
ColumnProvenNotNull(const RangeVar *rv, const char *column)
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
	/* palloc'd, not a std::string: nothing with a destructor lives across the catalog scan */
	const char *wanted = psprintf("CHECK ((%s IS NOT NULL))", quote_identifier(column));
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
		found = strcmp(wanted, def) == 0;
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);
	return found;
}

/*
 * Decided as ALTER TABLE decides it: the old column coerced to the new type and simplified by the planner
 * (length coercions that only widen, such as varchar(n) to varchar(m >= n) or numeric(p,s) to numeric(q >= p,s),
 * drop out) is the column itself or a relabeling of it. timestamp <-> timestamptz is no rewrite when the
 * session's TimeZone is UTC: the walk follows ATColumnChangeRequiresRewrite() and asks the server's own
 * TimestampTimestampTzRequiresRewrite(), so it is decided with the TimeZone of the session that lints (for
 * apply(), the one that runs the migration).
 */
bool
TypeChangeKeepsData(const RangeVar *rv, const AlterTableCmd *cmd)
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
	Node *expr =
	    coerce_to_target_type(pstate, reinterpret_cast<Node *>(makeVar(1, att, old_type, old_typmod, old_collation, 0)),
	                          old_type, new_type, new_typmod, COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST, -1);
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
		else if (IsA(expr, FuncExpr) &&
		         (castNode(FuncExpr, expr)->funcid == F_TIMESTAMP_TIMESTAMPTZ ||
		          castNode(FuncExpr, expr)->funcid == F_TIMESTAMPTZ_TIMESTAMP) &&
		         !TimestampTimestampTzRequiresRewrite())
			expr = static_cast<Node *>(linitial(castNode(FuncExpr, expr)->args));
		else
			return false;
	}
}

std::optional<bool>
TargetsHoldRows(const Finding &finding)
{
	HereState state = PeekTargets(finding);
	if (state.kind == HereState::kUnknown)
		return std::nullopt;
	return state.kind == HereState::kRows;
}

} // namespace pgmigrate::lint_catalog

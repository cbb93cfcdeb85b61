/*
 * pg_compat.hpp — the one place where pg_migrate bends to a PostgreSQL
 * major's API.
 *
 * Supported: 15 to 19. Each shim names the major that changed the API, so
 * the code that uses it reads the same on every version.
 */
#ifndef PG_MIGRATE_PG_COMPAT_HPP
#define PG_MIGRATE_PG_COMPAT_HPP

extern "C" {
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_constraint.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "storage/proc.h"
#include "tcop/pquery.h"
#include "utils/acl.h"
#include "utils/rel.h"
}

#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 200000
#error "pg_migrate supports PostgreSQL 15 to 19"
#endif

namespace pgmigrate::compat {

/*
 * The RETURNING list of an INSERT, UPDATE, DELETE or MERGE raw statement:
 * 18 wrapped it in a ReturningClause (for RETURNING WITH (OLD/NEW ...)).
 */
template <typename Stmt>
inline List *
ReturningList(const Stmt *stmt)
{
#if PG_VERSION_NUM >= 180000
	return stmt->returningClause != nullptr ? stmt->returningClause->exprs : NIL;
#else
	return stmt->returningList;
#endif
}

/* This backend's local transaction id: 17 moved it into PGPROC's vxid. */
inline LocalTransactionId
LocalXid(const PGPROC *proc)
{
#if PG_VERSION_NUM >= 170000
	return proc->vxid.lxid;
#else
	return proc->lxid;
#endif
}

/* MERGE ... RETURNING exists from 17 on. */
constexpr bool kMergeReturning = PG_VERSION_NUM >= 170000;

/* PortalRun lost its run_once argument in 18. */
inline bool
RunPortal(Portal portal, DestReceiver *dest, QueryCompletion *qc)
{
#if PG_VERSION_NUM >= 180000
	return PortalRun(portal, FETCH_ALL, true, dest, dest, qc);
#else
	return PortalRun(portal, FETCH_ALL, true, true, dest, dest, qc);
#endif
}

/*
 * raw_expression_tree_walker with a typed walker: up to 15 it takes an
 * old-style bool (*)(), from 16 on a macro casts to tree_walker_callback.
 */
inline bool
WalkRawExpression(Node *node, bool (*walker)(Node *, void *), void *context)
{
#if PG_VERSION_NUM >= 160000
	return raw_expression_tree_walker(node, walker, context);
#else
	/* void (*)() is the generic function pointer in between */
	return raw_expression_tree_walker(node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(walker)),
	                                  context);
#endif
}

/*
 * Whether a generated column stores its values: always up to 17; from 18 on
 * a column may be VIRTUAL (the default when neither is written).
 */
inline bool
GeneratedStored(const Constraint *c)
{
#if PG_VERSION_NUM >= 180000
	return c->generated_kind == ATTRIBUTE_GENERATED_STORED;
#else
	(void)c;
	return true;
#endif
}

/*
 * Whether a column's NOT NULL is proven for every row. Up to 17 attnotnull
 * is; from 18 on it is backed by a pg_constraint row that may be NOT VALID.
 */
inline bool
NotNullValidated(Oid relation, AttrNumber attnum)
{
#if PG_VERSION_NUM >= 180000
	HeapTuple tuple = findNotNullConstraintAttnum(relation, attnum);
	if (!HeapTupleIsValid(tuple))
		return true; /* attnotnull without a constraint row: a primary key's column */
	bool validated = reinterpret_cast<Form_pg_constraint>(GETSTRUCT(tuple))->convalidated;
	heap_freetuple(tuple);
	return validated;
#else
	(void)relation;
	(void)attnum;
	return true;
#endif
}

/* SET ROLE needs membership up to 15, membership WITH SET from 16 on. */
inline bool
CanSetRole(Oid member, Oid role)
{
#if PG_VERSION_NUM >= 160000
	return member_can_set_role(member, role);
#else
	return is_member_of_role(member, role);
#endif
}

} // namespace pgmigrate::compat

#endif

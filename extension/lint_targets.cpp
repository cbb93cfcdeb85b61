/* lint_targets.cpp — the server's answers for lint_targets.hpp: relation cache, lock manager. */
#include "lint_targets.hpp"

extern "C" {
#include "access/relation.h"
#include "catalog/heap.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

namespace pgmigrate {

namespace {

/* The privileges LOCK TABLE asks for a lock in mode (lockcmds.c, LockTableAclCheck). */
AclMode
LockPrivileges(LOCKMODE mode)
{
	AclMode mask = ACL_UPDATE | ACL_DELETE | ACL_TRUNCATE;
#ifdef ACL_MAINTAIN
	mask |= ACL_MAINTAIN;
#endif
	if (mode <= AccessShareLock)
		mask |= ACL_SELECT;
	if (mode <= RowExclusiveLock)
		mask |= ACL_INSERT;
	return mask;
}

} // namespace

Oid
ResolveTarget(const std::string &schema, const std::string &name)
{
	RangeVar *rv = makeRangeVar(schema.empty() ? nullptr : pstrdup(schema.c_str()), pstrdup(name.c_str()), -1);
	Oid relid = RangeVarGetRelid(rv, NoLock, true);
	if (!OidIsValid(relid))
		return InvalidOid;
	char kind = get_rel_relkind(relid);
	if (kind == RELKIND_INDEX || kind == RELKIND_PARTITIONED_INDEX)
		return IndexGetRelation(relid, true);
	return relid;
}

Seen
LookAt(Oid relid)
{
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		return Seen::kAbsent;
	Relation rel = relation_open(relid, NoLock);
	Seen seen;
	char kind = rel->rd_rel->relkind;
	if (rel->rd_createSubid != InvalidSubTransactionId)
		seen = Seen::kNew; /* whatever it holds, this transaction put there */
	else if (RELKIND_HAS_STORAGE(kind))
		seen = RelationGetNumberOfBlocks(rel) > 0 ? Seen::kRows : Seen::kEmpty;
	else if (kind == RELKIND_PARTITIONED_TABLE)
		seen = Seen::kEmpty; /* its partitions decide */
	else
		seen = Seen::kRows; /* a foreign table, a view: what stands behind it is not known here */
	relation_close(rel, NoLock);
	return seen;
}

Seen
LockAndLook(Oid relid, bool peek, int lock_mode)
{
	if (peek) {
		if (!ConditionalLockRelationOid(relid, AccessShareLock))
			return Seen::kBusy;
		Seen seen = LookAt(relid);
		UnlockRelationOid(relid, AccessShareLock);
		return seen;
	}
	bool missing = false;
	if (pg_class_aclcheck_ext(relid, GetUserId(), LockPrivileges(lock_mode), &missing) != ACLCHECK_OK)
		return missing ? Seen::kAbsent : Seen::kNotAllowed;
	LockRelationOid(relid, lock_mode);
	return LookAt(relid);
}

std::vector<Oid>
ChildrenOf(Oid relid, bool peek, int lock_mode)
{
	std::vector<Oid> out;
	List *children = find_all_inheritors(relid, peek ? NoLock : lock_mode, nullptr);
	ListCell *lc;
	foreach (lc, children)
		if (lfirst_oid(lc) != relid)
			out.push_back(lfirst_oid(lc));
	return out;
}

std::vector<Oid>
ReferencingTables(const std::vector<Oid> &relids)
{
	List *all = NIL;
	for (Oid relid : relids)
		all = lappend_oid(all, relid);
	std::vector<Oid> out;
	ListCell *lc;
	foreach (lc, heap_truncate_find_FKs(all))
		out.push_back(lfirst_oid(lc));
	return out;
}

} // namespace pgmigrate

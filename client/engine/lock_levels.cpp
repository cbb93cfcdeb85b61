/*
 * lock_levels.cpp — AlterTableGetLockLevel() for the client engine, which
 * libpg_query (the parser only) does not carry: the lock ALTER TABLE takes,
 * the strongest any of its subcommands needs, as PostgreSQL 15 documents and
 * decides it (ALTER TABLE reference page, "lock level" of each form). The
 * server's lint asks the server's own function; the parity test
 * (db_client_engine_test.cpp) holds the two to the same answers.
 */
extern "C" {
#include "postgres.h"

#include "commands/tablecmds.h"
#include "nodes/parsenodes.h"
#include "storage/lockdefs.h"
}

#include <cstring>

namespace {

/* SET (...) / RESET (...): most storage parameters need SHARE UPDATE EXCLUSIVE; those that change what queries see,
 * ACCESS EXCLUSIVE. */
LOCKMODE
RelOptionsLock(List *options)
{
	static const char *const kExclusive[] = {"check_option", "security_barrier", "security_invoker",
	                                         "user_catalog_table", "buffering"};
	if (options == NIL)
		return AccessExclusiveLock;
	LOCKMODE lock = NoLock;
	ListCell *lc;
	foreach (lc, options) {
		auto *option = static_cast<DefElem *>(lfirst(lc));
		LOCKMODE needed = ShareUpdateExclusiveLock;
		for (const char *name : kExclusive)
			if (strcmp(option->defname, name) == 0)
				needed = AccessExclusiveLock;
		lock = needed > lock ? needed : lock;
	}
	return lock;
}

LOCKMODE
CommandLock(const AlterTableCmd *cmd)
{
	switch (cmd->subtype) {
	case AT_EnableTrig:
	case AT_EnableAlwaysTrig:
	case AT_EnableReplicaTrig:
	case AT_EnableTrigAll:
	case AT_EnableTrigUser:
	case AT_DisableTrig:
	case AT_DisableTrigAll:
	case AT_DisableTrigUser:
		return ShareRowExclusiveLock; /* affects writes only */
	case AT_AddConstraint:
	case AT_AddConstraintRecurse:
	case AT_ReAddConstraint:
	case AT_ReAddDomainConstraint:
		/* a foreign key adds triggers to both tables: as strong as CREATE TRIGGER */
		if (cmd->def != nullptr && IsA(cmd->def, Constraint) &&
		    castNode(Constraint, cmd->def)->contype == CONSTR_FOREIGN)
			return ShareRowExclusiveLock;
		return AccessExclusiveLock;
	case AT_SetStatistics:
	case AT_ClusterOn:
	case AT_DropCluster:
	case AT_SetOptions:
	case AT_ResetOptions:
	case AT_ValidateConstraint:
	case AT_ValidateConstraintRecurse:
	case AT_AttachPartition:
	case AT_DetachPartitionFinalize:
		return ShareUpdateExclusiveLock;
	case AT_DetachPartition:
		return cmd->def != nullptr && castNode(PartitionCmd, cmd->def)->concurrent ? ShareUpdateExclusiveLock
		                                                                           : AccessExclusiveLock;
	case AT_SetRelOptions:
	case AT_ResetRelOptions:
		return RelOptionsLock(reinterpret_cast<List *>(cmd->def));
	case AT_CheckNotNull:
		return AccessShareLock; /* reads the schema only */
	default:
		return AccessExclusiveLock; /* rewrites, changes what SELECT sees, or not known to be weaker */
	}
}

} // namespace

extern "C" LOCKMODE
AlterTableGetLockLevel(List *cmds)
{
	LOCKMODE lock = NoLock;
	ListCell *lc;
	foreach (lc, cmds) {
		LOCKMODE needed = CommandLock(castNode(AlterTableCmd, lfirst(lc)));
		lock = needed > lock ? needed : lock;
	}
	return lock;
}

/*
 * command_tags.cpp — CreateCommandTag() and GetCommandTagName() for the
 * client engine (libpg_query lacks tcop/utility.c and cmdtag.c). Names come
 * from PostgreSQL's own tag list (tcop/cmdtaglist.h). Tags name statements
 * in messages only; the statements migrations commonly hold get the
 * server's tag, any other "???", which no rule reads.
 */
extern "C" {
#include "postgres.h"

#include "nodes/parsenodes.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
}

namespace {

#define PG_CMDTAG(tag, name, evtrgok, rwrok, rowcnt) name,
const char *const kTagNames[] = {
#include "tcop/cmdtaglist.h"
};
#undef PG_CMDTAG

CommandTag
DropTag(const DropStmt *stmt)
{
	switch (stmt->removeType) {
	case OBJECT_TABLE:
		return CMDTAG_DROP_TABLE;
	case OBJECT_INDEX:
		return CMDTAG_DROP_INDEX;
	case OBJECT_VIEW:
		return CMDTAG_DROP_VIEW;
	case OBJECT_MATVIEW:
		return CMDTAG_DROP_MATERIALIZED_VIEW;
	case OBJECT_SEQUENCE:
		return CMDTAG_DROP_SEQUENCE;
	case OBJECT_TYPE:
		return CMDTAG_DROP_TYPE;
	case OBJECT_SCHEMA:
		return CMDTAG_DROP_SCHEMA;
	case OBJECT_FUNCTION:
		return CMDTAG_DROP_FUNCTION;
	case OBJECT_EXTENSION:
		return CMDTAG_DROP_EXTENSION;
	case OBJECT_TRIGGER:
		return CMDTAG_DROP_TRIGGER;
	case OBJECT_POLICY:
		return CMDTAG_DROP_POLICY;
	default:
		return CMDTAG_UNKNOWN;
	}
}

CommandTag
TransactionTag(const TransactionStmt *stmt)
{
	switch (stmt->kind) {
	case TRANS_STMT_BEGIN:
		return CMDTAG_BEGIN;
	case TRANS_STMT_START:
		return CMDTAG_START_TRANSACTION;
	case TRANS_STMT_COMMIT:
		return CMDTAG_COMMIT;
	case TRANS_STMT_ROLLBACK:
	case TRANS_STMT_ROLLBACK_TO:
		return CMDTAG_ROLLBACK;
	case TRANS_STMT_SAVEPOINT:
		return CMDTAG_SAVEPOINT;
	case TRANS_STMT_RELEASE:
		return CMDTAG_RELEASE;
	case TRANS_STMT_PREPARE:
		return CMDTAG_PREPARE_TRANSACTION;
	case TRANS_STMT_COMMIT_PREPARED:
		return CMDTAG_COMMIT_PREPARED;
	case TRANS_STMT_ROLLBACK_PREPARED:
		return CMDTAG_ROLLBACK_PREPARED;
	}
	return CMDTAG_UNKNOWN;
}

} // namespace

extern "C" {

const char *
GetCommandTagName(CommandTag tag)
{
	return tag >= 0 && tag < COMMAND_TAG_NEXTTAG ? kTagNames[tag] : kTagNames[CMDTAG_UNKNOWN];
}

CommandTag
CreateCommandTag(Node *stmt)
{
	switch (nodeTag(stmt)) {
	case T_SelectStmt:
		return CMDTAG_SELECT;
	case T_InsertStmt:
		return CMDTAG_INSERT;
	case T_UpdateStmt:
		return CMDTAG_UPDATE;
	case T_DeleteStmt:
		return CMDTAG_DELETE;
	case T_MergeStmt:
		return CMDTAG_MERGE;
	case T_CreateStmt:
		return CMDTAG_CREATE_TABLE;
	case T_CreateTableAsStmt:
		return castNode(CreateTableAsStmt, stmt)->objtype == OBJECT_MATVIEW ? CMDTAG_CREATE_MATERIALIZED_VIEW
		                                                                    : CMDTAG_CREATE_TABLE_AS;
	case T_IndexStmt:
		return CMDTAG_CREATE_INDEX;
	case T_ViewStmt:
		return CMDTAG_CREATE_VIEW;
	case T_CreateSeqStmt:
		return CMDTAG_CREATE_SEQUENCE;
	case T_CreateSchemaStmt:
		return CMDTAG_CREATE_SCHEMA;
	case T_CreateFunctionStmt:
		return castNode(CreateFunctionStmt, stmt)->is_procedure ? CMDTAG_CREATE_PROCEDURE : CMDTAG_CREATE_FUNCTION;
	case T_CreateTrigStmt:
		return CMDTAG_CREATE_TRIGGER;
	case T_CreatePolicyStmt:
		return CMDTAG_CREATE_POLICY;
	case T_CreateExtensionStmt:
		return CMDTAG_CREATE_EXTENSION;
	case T_CreateEnumStmt:
		return CMDTAG_CREATE_TYPE;
	case T_AlterEnumStmt:
		return CMDTAG_ALTER_TYPE;
	case T_AlterTableStmt:
		switch (castNode(AlterTableStmt, stmt)->objtype) {
		case OBJECT_INDEX:
			return CMDTAG_ALTER_INDEX;
		case OBJECT_VIEW:
			return CMDTAG_ALTER_VIEW;
		case OBJECT_MATVIEW:
			return CMDTAG_ALTER_MATERIALIZED_VIEW;
		case OBJECT_SEQUENCE:
			return CMDTAG_ALTER_SEQUENCE;
		default:
			return CMDTAG_ALTER_TABLE;
		}
	case T_RenameStmt:
		return castNode(RenameStmt, stmt)->renameType == OBJECT_INDEX ? CMDTAG_ALTER_INDEX : CMDTAG_ALTER_TABLE;
	case T_DropStmt:
		return DropTag(castNode(DropStmt, stmt));
	case T_TruncateStmt:
		return CMDTAG_TRUNCATE_TABLE;
	case T_TransactionStmt:
		return TransactionTag(castNode(TransactionStmt, stmt));
	case T_VacuumStmt:
		return castNode(VacuumStmt, stmt)->is_vacuumcmd ? CMDTAG_VACUUM : CMDTAG_ANALYZE;
	case T_ClusterStmt:
		return CMDTAG_CLUSTER;
	case T_ReindexStmt:
		return CMDTAG_REINDEX;
	case T_CopyStmt:
		return CMDTAG_COPY;
	case T_DoStmt:
		return CMDTAG_DO;
	case T_GrantStmt:
		return castNode(GrantStmt, stmt)->is_grant ? CMDTAG_GRANT : CMDTAG_REVOKE;
	case T_CommentStmt:
		return CMDTAG_COMMENT;
	case T_LockStmt:
		return CMDTAG_LOCK_TABLE;
	case T_VariableSetStmt:
		return castNode(VariableSetStmt, stmt)->kind == VAR_RESET ? CMDTAG_RESET : CMDTAG_SET;
	case T_DiscardStmt:
		return CMDTAG_DISCARD_ALL;
	case T_CreatedbStmt:
		return CMDTAG_CREATE_DATABASE;
	case T_DropdbStmt:
		return CMDTAG_DROP_DATABASE;
	default:
		return CMDTAG_UNKNOWN;
	}
}
}

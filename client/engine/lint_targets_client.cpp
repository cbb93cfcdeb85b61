/*
 * lint_targets_client.cpp — lint_targets.hpp answered over libpq for the
 * client host: the same questions lint_targets.cpp asks the relation cache
 * and the lock manager, as pg_catalog queries and LOCK TABLE statements.
 *
 * Two answers are read differently, and as strictly:
 *  - "created in this transaction" (the server's rd_createSubid): the row
 *    of the table's row type dependency in pg_depend is written once, when
 *    the table is created; a row we can see whose writer is still in
 *    progress was written by this transaction;
 *  - a peek does not take ACCESS SHARE and release it (SQL cannot release
 *    a lock before the transaction ends): a table another session holds
 *    ACCESS EXCLUSIVE is busy, as the server's conditional lock would find.
 */
#include "lint_targets.hpp"

#include "host.hpp"

#include <algorithm>

namespace pgmigrate {

namespace {

using client::Result;
using client::SqlError;

Result
Ask(const std::string &sql, const std::vector<client::Param> &args)
{
	std::optional<SqlError> failed;
	client::engine::EnsureCallerSearchPath(); /* the targets' names resolve as the statement resolves them */
	try {
		return client::engine::HostConnection().ExecText(sql, args);
	} catch (const SqlError &e) {
		failed = e;
	}
	client::engine::RaiseServerError(*failed);
}

const char *const kLockModes[] = {
    "",      "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};

/* Takes the statement's lock on relid, as LockRelationOid would (the relation alone: ONLY). */
void
Lock(Oid relid, int lock_mode)
{
	if (lock_mode < 1 || lock_mode > 8)
		lock_mode = 8;
	Result kind = Ask("SELECT relkind, oid::pg_catalog.regclass::text FROM pg_catalog.pg_class WHERE oid = $1::oid",
	                  {std::to_string(relid)});
	/* LOCK TABLE takes tables, partitioned tables, views and foreign tables; a sequence is looked at unlocked */
	if (kind.Rows() == 0 || kind.Get(0, 0) == "S")
		return;
	/* regclass's text is the name quoted and qualified as this search_path needs it */
	Ask("LOCK TABLE ONLY " + kind.Get(0, 1) + " IN " + kLockModes[lock_mode] + " MODE", {});
}

std::string
OidArray(const std::vector<Oid> &oids)
{
	std::string out = "{";
	for (std::size_t i = 0; i < oids.size(); i++)
		out += (i > 0 ? "," : "") + std::to_string(oids[i]);
	return out + "}";
}

} // namespace

Oid
ResolveTarget(const std::string &schema, const std::string &name)
{
	Result r = Ask("SELECT CASE WHEN c.relkind IN ('i', 'I') THEN i.indrelid ELSE c.oid END "
	               "FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid "
	               "WHERE c.oid = pg_catalog.to_regclass(CASE WHEN $1 = '' THEN pg_catalog.quote_ident($2) "
	               "ELSE pg_catalog.quote_ident($1) || '.' || pg_catalog.quote_ident($2) END)",
	               {schema, name});
	return r.Rows() == 0 || r.IsNull(0, 0) ? InvalidOid : static_cast<Oid>(std::stoul(r.Get(0, 0)));
}

Seen
LookAt(Oid relid)
{
	static const std::string kSql =
	    "SELECT c.relkind, coalesce((SELECT " + client::engine::XminIsOursSql("d.xmin") +
	    " FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objid = "
	    "c.reltype AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = c.oid AND "
	    "d.deptype = 'i' LIMIT 1), false), "
	    "CASE WHEN c.relkind IN ('r', 'm', 't', 'S') THEN pg_catalog.pg_relation_size(c.oid) > 0 END "
	    "FROM pg_catalog.pg_class c WHERE c.oid = $1::oid";
	Result r = Ask(kSql, {std::to_string(relid)});
	if (r.Rows() == 0)
		return Seen::kAbsent;
	if (r.Get(0, 1) == "t")
		return Seen::kNew; /* whatever it holds, this transaction put there */
	std::string kind = r.Get(0, 0);
	if (!r.IsNull(0, 2))
		return r.Get(0, 2) == "t" ? Seen::kRows : Seen::kEmpty;
	if (kind == "p")
		return Seen::kEmpty; /* its partitions decide */
	return Seen::kRows;      /* a foreign table, a view: what stands behind it is not known here */
}

Seen
LockAndLook(Oid relid, bool peek, int lock_mode)
{
	if (peek) {
		Result busy = Ask("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks WHERE relation = $1::oid AND "
		                  "pid <> pg_catalog.pg_backend_pid() AND mode = 'AccessExclusiveLock')",
		                  {std::to_string(relid)});
		return busy.Get(0, 0) == "t" ? Seen::kBusy : LookAt(relid);
	}
	/* the privileges LOCK TABLE asks for a lock in that mode (lockcmds.c, LockTableAclCheck) */
	std::string privileges = "UPDATE, DELETE, TRUNCATE";
	if (lock_mode <= 1)
		privileges += ", SELECT";
	if (lock_mode <= 3)
		privileges += ", INSERT";
	Result allowed = Ask("SELECT pg_catalog.has_table_privilege($1::oid, $2)", {std::to_string(relid), privileges});
	if (allowed.Rows() == 0 || allowed.IsNull(0, 0))
		return Seen::kAbsent;
	if (allowed.Get(0, 0) != "t")
		return Seen::kNotAllowed;
	Lock(relid, lock_mode);
	return LookAt(relid);
}

std::vector<Oid>
ChildrenOf(Oid relid, bool peek, int lock_mode)
{
	Result r = Ask("WITH RECURSIVE tree(oid) AS (SELECT inhrelid FROM pg_catalog.pg_inherits WHERE inhparent = $1::oid "
	               "UNION SELECT h.inhrelid FROM pg_catalog.pg_inherits h JOIN tree t ON h.inhparent = t.oid) "
	               "SELECT oid FROM tree",
	               {std::to_string(relid)});
	std::vector<Oid> out;
	for (int i = 0; i < r.Rows(); i++) {
		Oid child = static_cast<Oid>(std::stoul(r.Get(i, 0)));
		if (!peek)
			Lock(child, lock_mode);
		out.push_back(child);
	}
	return out;
}

std::vector<Oid>
ReferencingTables(const std::vector<Oid> &relids)
{
	Result r = Ask("SELECT DISTINCT conrelid FROM pg_catalog.pg_constraint WHERE contype = 'f' "
	               "AND confrelid = ANY ($1::oid[]) AND conrelid <> ALL ($1::oid[])",
	               {OidArray(relids)});
	std::vector<Oid> out;
	for (int i = 0; i < r.Rows(); i++)
		out.push_back(static_cast<Oid>(std::stoul(r.Get(i, 0))));
	return out;
}

} // namespace pgmigrate

/*
 * lint_targets.hpp — what the tables a lint finding names hold right now:
 * the host layer under lint_here.cpp, which decides what that means.
 *
 * The server reads its relation cache and takes locks directly
 * (lint_targets.cpp); the client host asks the same questions over libpq
 * (client/engine/lint_targets_client.cpp). Every function runs inside
 * pg::Call.
 */
#pragma once

#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
}

namespace pgmigrate {

/* What one table holds. */
enum class Seen { kAbsent, kNew, kEmpty, kRows, kBusy, kNotAllowed };

/* The table a finding's target names, resolved with the caller's search_path (an index: its table); InvalidOid when
 * none. */
Oid ResolveTarget(const std::string &schema, const std::string &name);

/*
 * Locks relid and looks at it. peek: ACCESS SHARE only if free now, released
 * again (kBusy when not free); else lock_mode, the statement's own lock, kept
 * until the transaction ends (kNotAllowed when the caller may not lock it).
 */
Seen LockAndLook(Oid relid, bool peek, int lock_mode);

/* What relid holds, already locked by this transaction. */
Seen LookAt(Oid relid);

/* The partitions and inheritance children of relid (not relid itself); locked in lock_mode unless peek. */
std::vector<Oid> ChildrenOf(Oid relid, bool peek, int lock_mode);

/* The tables whose foreign keys reference any of relids and that are not among them (TRUNCATE ... CASCADE). */
std::vector<Oid> ReferencingTables(const std::vector<Oid> &relids);

} // namespace pgmigrate

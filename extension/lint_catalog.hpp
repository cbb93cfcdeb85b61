/*
 * lint_catalog.hpp — what lint asks the database it lints against, as plain
 * facts. The walk (lint.cpp) is compiled into the extension and into the
 * client engine; each host answers these its own way: the extension from the
 * syscache (lint_catalog.cpp), the client with pg_catalog queries over libpq
 * (client/engine/lint_catalog_client.cpp). Every answer is "no safe case
 * known" (false) when the objects do not exist.
 */
#pragma once

#include <optional>

/* PostgreSQL's raw parse nodes (nodes/parsenodes.h, primnodes.h), handed in opaque */
struct FuncCall;
struct RangeVar;
struct AlterTableCmd;

namespace pgmigrate {

struct Finding;

namespace lint_catalog {

/* pg_migrate.lint_strict of the session: the locking rules are errors too. */
bool StrictRules();

/* Every function the call may resolve to (its name and argument count, on the search path) is volatile. */
bool AllCandidatesVolatile(const FuncCall *call);

/*
 * The column's values are proven not null already: it is NOT NULL (a valid
 * constraint from 18 on), or a validated CHECK (column IS NOT NULL) exists.
 */
bool ColumnProvenNotNull(const RangeVar *relation, const char *column);

/* ALTER COLUMN ... TYPE keeps the stored data as it is (no rewrite), as ALTER TABLE decides it. */
bool TypeChangeKeepsData(const RangeVar *relation, const AlterTableCmd *cmd);

/*
 * Whether the finding's tables (with their partitions, children and, for
 * TRUNCATE ... CASCADE, the tables referencing them) hold rows now; nullopt
 * when another session holds one locked so it cannot be looked at.
 */
std::optional<bool> TargetsHoldRows(const Finding &finding);

} // namespace lint_catalog
} // namespace pgmigrate

/*
 * lint_catalog_client.cpp — lint_catalog.hpp for the client engine: the
 * names in the parse nodes, asked of the database with catalog_facts.hpp.
 * Runs inside the walk's pg::Call; the libpq calls it makes cannot ereport.
 */
#include "catalog_facts.hpp"
#include "lint.hpp"
#include "lint_catalog.hpp"

extern "C" {
#include "postgres.h"

#include "nodes/parsenodes.h"
}

#include <string>

namespace pgmigrate::lint_catalog {

namespace {

client::engine::NamedRelation
Named(const RangeVar *rv)
{
	return {rv->schemaname != nullptr ? rv->schemaname : "", rv->relname};
}

/*
 * The type modifier PostgreSQL stores for the modifiers written after the
 * type name, for the types whose length or precision change may keep the
 * data: varchar(n), varbit(n): n + 4; numeric(p[, s]): (p << 16 | s) + 4;
 * the time types (p): p. -1 without modifiers; -2 for any other (never kept).
 */
int
WrittenTypmod(const std::string &type, const List *typmods)
{
	if (typmods == NIL)
		return -1;
	std::vector<int> values;
	const ListCell *lc;
	foreach (lc, typmods) {
		const Node *mod = static_cast<const Node *>(lfirst(lc));
		if (!IsA(mod, A_Const) || !IsA(&castNode(A_Const, const_cast<Node *>(mod))->val, Integer))
			return -2;
		values.push_back(intVal(&castNode(A_Const, const_cast<Node *>(mod))->val));
	}
	if ((type == "varchar" || type == "varbit") && values.size() == 1)
		return values[0] + 4;
	if (type == "numeric" && values.size() <= 2)
		return ((values[0] << 16) | (values.size() == 2 ? values[1] : 0)) + 4;
	if ((type == "timestamp" || type == "timestamptz" || type == "time" || type == "timetz") && values.size() == 1)
		return values[0];
	return -2;
}

} // namespace

bool
StrictRules()
{
	return client::engine::LintStrictSetting();
}

bool
AllCandidatesVolatile(const FuncCall *call)
{
	int names = list_length(call->funcname);
	std::string schema = names >= 2 ? strVal(list_nth(call->funcname, names - 2)) : "";
	return client::engine::AllFunctionsVolatile(schema, strVal(llast(call->funcname)), list_length(call->args));
}

bool
ColumnProvenNotNull(const RangeVar *relation, const char *column)
{
	return relation != nullptr && client::engine::ColumnNotNullProven(Named(relation), column);
}

bool
TypeChangeKeepsData(const RangeVar *relation, const AlterTableCmd *cmd)
{
	auto *def = castNode(ColumnDef, cmd->def);
	const TypeName *type = def->typeName;
	if (relation == nullptr || def->raw_default != nullptr || type == nullptr || type->names == NIL ||
	    type->arrayBounds != NIL || type->pct_type || type->setof)
		return false; /* USING, or a type this host does not decide: rewrite assumed */
	/* the name as written, qualified names quoted part by part, for to_regtype() */
	std::string name;
	const ListCell *lc;
	foreach (lc, type->names)
		name += (name.empty() ? "" : ".") + std::string("\"") + strVal(lfirst(lc)) + "\"";
	int typmod = WrittenTypmod(strVal(llast(type->names)), type->typmods);
	if (typmod == -2)
		return false;
	return client::engine::TypeChangeKeepsStoredData(Named(relation), cmd->name, name, typmod);
}

std::optional<bool>
TargetsHoldRows(const Finding &finding)
{
	std::vector<client::engine::NamedRelation> relations;
	for (const RelationName &t : finding.targets)
		relations.push_back({t.schema, t.name});
	return client::engine::RelationsHoldRows(relations, finding.cascade);
}

} // namespace pgmigrate::lint_catalog

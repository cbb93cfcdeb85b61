/*
 * parse_node_helpers.cpp — two small backend functions that the engine's
 * walk over raw parse trees calls and libpg_query does not carry (they live
 * in files of the server it leaves out). Written for the client engine to
 * behave as the server's do on raw trees.
 */
extern "C" {
#include "postgres.h"

#include "catalog/namespace.h"
#include "commands/defrem.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
}

#include <initializer_list>
#include <strings.h>

extern "C" {

/* An option's Boolean value: no value is true; else true/false/on/off (any case) or 1/0. */
bool
defGetBoolean(DefElem *def)
{
	if (def->arg == nullptr)
		return true;
	if (IsA(def->arg, Integer)) {
		int value = intVal(def->arg);
		if (value == 0 || value == 1)
			return value == 1;
	} else if (IsA(def->arg, Boolean)) {
		return boolVal(def->arg);
	} else if (IsA(def->arg, String)) {
		const char *word = strVal(def->arg);
		for (const char *yes : {"true", "on"})
			if (strcasecmp(word, yes) == 0)
				return true;
		for (const char *no : {"false", "off"})
			if (strcasecmp(word, no) == 0)
				return false;
	}
	ereport(ERROR, (errcode(ERRCODE_SYNTAX_ERROR), errmsg("%s requires a Boolean value", def->defname)));
	return false; /* not reached */
}

/* [[catalog.]schema.]relation from a qualified name's list of String nodes. */
RangeVar *
makeRangeVarFromNameList(List *names)
{
	RangeVar *rv = makeRangeVar(nullptr, nullptr, -1);
	switch (list_length(names)) {
	case 1:
		rv->relname = strVal(linitial(names));
		break;
	case 2:
		rv->schemaname = strVal(linitial(names));
		rv->relname = strVal(lsecond(names));
		break;
	case 3:
		rv->catalogname = strVal(linitial(names));
		rv->schemaname = strVal(lsecond(names));
		rv->relname = strVal(lthird(names));
		break;
	default:
		ereport(ERROR, (errcode(ERRCODE_SYNTAX_ERROR), errmsg("improper relation name (too many dotted names)")));
	}
	return rv;
}
}

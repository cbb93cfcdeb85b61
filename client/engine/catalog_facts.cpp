/* catalog_facts.cpp — see catalog_facts.hpp. */
#include "catalog_facts.hpp"

#include "host.hpp"

#include <stdexcept>

namespace pgmigrate::client::engine {

namespace {

Connection *current = nullptr;

Connection &
Catalog()
{
	if (current == nullptr)
		throw std::logic_error("client engine: catalog facts asked outside a CatalogConnection");
	EnsureCallerSearchPath(); /* names resolve as the statement will resolve them */
	return *current;
}

/* The relation's regclass expression: to_regclass of the quoted name, NULL when it does not exist. */
const char *const kRelation =
    "to_regclass(CASE WHEN $1 = '' THEN quote_ident($2) ELSE quote_ident($1) || '.' || quote_ident($2) END)";

} // namespace

CatalogConnection::CatalogConnection(Connection &conn)
{
	current = &conn;
}

CatalogConnection::~CatalogConnection()
{
	current = nullptr;
}

bool
LintStrictSetting()
{
	if (InHostSession()) {
		std::string v = SessionSetting("pg_migrate.lint_strict").value_or("off");
		return v == "on" || v == "true" || v == "yes" || v == "1";
	}
	Result r = Catalog().Exec("SELECT coalesce(current_setting('pg_migrate.lint_strict', true), 'off') "
	                          "IN ('on', 'true', 'yes', '1')");
	return r.Get(0, 0) == "t";
}

bool
AllFunctionsVolatile(const std::string &schema, const std::string &name, int nargs)
{
	/* the candidates FuncnameGetCandidates would give: that name and argument count, in the schema or on the path */
	Result r = Catalog().Exec("SELECT count(*) > 0 AND bool_and(p.provolatile = 'v') FROM pg_catalog.pg_proc p "
	                          "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
	                          "WHERE p.proname = $2 AND p.pronargs = $3::int AND p.prokind IN ('f', 'w') AND "
	                          "CASE WHEN $1 = '' THEN n.nspname = ANY (current_schemas(true)) AND "
	                          "n.nspname NOT LIKE 'pg\\_temp\\_%' ELSE n.nspname = $1 END",
	                          {schema, name, std::to_string(nargs)});
	return r.Get(0, 0) == "t";
}

bool
ColumnNotNullProven(const NamedRelation &relation, const std::string &column)
{
	/* NOT NULL (from 18 on: unless its constraint is NOT VALID), or a validated CHECK (column IS NOT NULL) */
	Result r = Catalog().Exec(
	    std::string("WITH rel AS (SELECT ") + kRelation +
	        " AS oid) SELECT EXISTS (SELECT 1 FROM rel JOIN pg_catalog.pg_attribute a ON a.attrelid = rel.oid "
	        "WHERE a.attname = $3 AND a.attnotnull AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c "
	        "WHERE c.conrelid = rel.oid AND c.contype = 'n' AND c.conkey = ARRAY[a.attnum] AND NOT c.convalidated)) "
	        "OR EXISTS (SELECT 1 FROM rel JOIN pg_catalog.pg_constraint c ON c.conrelid = rel.oid "
	        "WHERE c.contype = 'c' AND c.convalidated AND "
	        "pg_catalog.pg_get_constraintdef(c.oid) = 'CHECK ((' || quote_ident($3) || ' IS NOT NULL))')",
	    {relation.schema, relation.name, column});
	return r.Get(0, 0) == "t";
}

bool
TypeChangeKeepsStoredData(const NamedRelation &relation, const std::string &column, const std::string &type_name,
                          int new_typmod)
{
	Result r = Catalog().Exec(
	    std::string("WITH old AS (SELECT a.atttypid AS type, a.atttypmod AS typmod FROM pg_catalog.pg_attribute a "
	                "WHERE a.attrelid = ") +
	        kRelation +
	        " AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped), "
	        "new AS (SELECT to_regtype($4)::oid AS type, $5::int AS typmod) "
	        "SELECT CASE "
	        /* the same type: a modifier that only widens (varchar, numeric with the same scale, precisions) */
	        "WHEN old.type = new.type THEN new.typmod = -1 OR new.typmod = old.typmod OR (old.typmod <> -1 AND "
	        "CASE WHEN old.type IN ('varchar'::regtype, 'varbit'::regtype) THEN new.typmod >= old.typmod "
	        "WHEN old.type = 'numeric'::regtype THEN (new.typmod - 4) >> 16 >= (old.typmod - 4) >> 16 "
	        "AND (new.typmod - 4) & 65535 = (old.typmod - 4) & 65535 "
	        "WHEN old.type IN ('timestamp'::regtype, 'timestamptz'::regtype, 'time'::regtype, 'timetz'::regtype) "
	        "THEN new.typmod >= old.typmod ELSE false END) "
	        /* timestamp <-> timestamptz is a relabeling when the session's TimeZone is UTC */
	        "WHEN ARRAY[old.type, new.type] IN (ARRAY['timestamp'::regtype::oid, 'timestamptz'::regtype::oid], "
	        "ARRAY['timestamptz'::regtype::oid, 'timestamp'::regtype::oid]) "
	        "THEN new.typmod = -1 AND pg_catalog.current_setting('TimeZone') IN ('UTC', 'Etc/UTC', 'GMT', "
	        "'Etc/GMT', 'UCT', 'Zulu') "
	        "ELSE new.typmod = -1 AND EXISTS (SELECT 1 FROM pg_catalog.pg_cast c WHERE c.castsource = old.type "
	        "AND c.casttarget = new.type AND c.castmethod = 'b' AND c.castcontext IN ('a', 'i')) END "
	        "FROM old, new WHERE new.type IS NOT NULL",
	    {relation.schema, relation.name, column, type_name, std::to_string(new_typmod)});
	return r.Rows() == 1 && r.Get(0, 0) == "t";
}

std::optional<bool>
RelationsHoldRows(const std::vector<NamedRelation> &relations, bool cascade)
{
	std::vector<std::string> schemas, names;
	for (const NamedRelation &r : relations) {
		schemas.push_back(r.schema);
		names.push_back(r.name);
	}
	/*
	 * The tables themselves (an index counts as its table), their inheritors and, with cascade, what references
	 * them; a table without storage behind it (a view, a foreign table) counts as holding rows, one that does not
	 * exist as holding none, as the server's lint_here.cpp judges them.
	 */
	static const char *const kQuery =
	    "WITH RECURSIVE named AS (SELECT CASE WHEN c.relkind IN ('i', 'I') THEN i.indrelid ELSE c.oid END AS oid "
	    "FROM unnest($1::text[], $2::text[]) AS t(schema, name) "
	    "JOIN pg_catalog.pg_class c ON c.oid = to_regclass(CASE WHEN t.schema = '' THEN quote_ident(t.name) "
	    "ELSE quote_ident(t.schema) || '.' || quote_ident(t.name) END) "
	    "LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid), "
	    "reached(oid) AS (SELECT oid FROM named UNION SELECT next.oid FROM reached r CROSS JOIN LATERAL "
	    "(SELECT h.inhrelid FROM pg_catalog.pg_inherits h WHERE h.inhparent = r.oid UNION ALL "
	    "SELECT f.conrelid FROM pg_catalog.pg_constraint f "
	    "WHERE $3::boolean AND f.contype = 'f' AND f.confrelid = r.oid) AS next(oid)) "
	    "SELECT coalesce(bool_or(CASE WHEN c.relkind IN ('r', 'm', 't') "
	    "THEN pg_catalog.pg_relation_size(c.oid) > 0 WHEN c.relkind = 'p' THEN false ELSE true END), false) "
	    "FROM reached JOIN pg_catalog.pg_class c ON c.oid = reached.oid";
	try {
		Result r = Catalog().Exec(
		    kQuery, {TextArrayLiteral(schemas), TextArrayLiteral(names), std::string(cascade ? "true" : "false")});
		return r.Get(0, 0) == "t";
	} catch (const SqlError &e) {
		if (e.sqlstate == "55P03") /* lock_timeout: another session holds a table locked */
			return std::nullopt;
		throw;
	}
}

} // namespace pgmigrate::client::engine

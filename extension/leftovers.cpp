/*
 * leftovers.cpp — finding INVALID indexes of a failed concurrent build.
 *
 * The migration's own statements name the indexes it builds; an index of
 * that name that pg_index marks not valid is what the failure left.
 */
#include "leftovers.hpp"

#include "sql_values.hpp"
#include "statements.hpp"

namespace pgmigrate {

std::vector<std::string>
InvalidIndexesLeftBy(const Migration &m)
{
	std::vector<std::string> out;
	SectionOrigin origin{DescribeMigration(m.Label(), m.source), "up", m.up_line};
	for (const Statement &st : SplitStatements(m.up_sql, origin)) {
		if (st.index_name.empty())
			continue;
		pg::CatalogScope scope;
		auto rows = pg::Query("SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) "
		                      "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
		                      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		                      "WHERE NOT i.indisvalid AND c.relname = $1 AND ($2::text IS NULL OR n.nspname = $2)",
		                      {st.index_name, Opt(st.index_schema)});
		for (auto &r : rows)
			out.push_back(Str(r[0]));
	}
	return out;
}

} // namespace pgmigrate

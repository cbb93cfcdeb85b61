/* managed_catalog.cpp — see managed_catalog.hpp. */
#include "managed_catalog.hpp"

#include "catalog.hpp"
#include "exit_codes.hpp"
#include "guard.hpp"
#include "host.hpp"
#include "statements.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace pgmigrate::client {

namespace {

/* The script without psql's meta-commands (the \echo ... \quit guard against running it by hand). */
std::string
WithoutMetaCommands(const std::string &text)
{
	std::string out;
	std::size_t start = 0;
	while (start < text.size()) {
		std::size_t end = text.find('\n', start);
		std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
		out += !line.empty() && line[0] == '\\' ? "\n" : line; /* kept as a line, so line numbers hold */
		start = end == std::string::npos ? text.size() : end + 1;
	}
	return out;
}

/*
 * Decides which statements of the scripts run in managed mode. Left out:
 * functions in C (the library is not there) and whatever names one of them
 * (comments, grants, renames, SQL functions calling them, the DO blocks
 * that copy their grants), event triggers (a managed role may not create
 * them), and pg_extension_config_dump() (only inside CREATE EXTENSION).
 */
class StatementFilter {
public:
	bool
	Keep(const std::string &sql)
	{
		static const std::regex kCFunction("\\bLANGUAGE\\s+C\\b|MODULE_PATHNAME", std::regex::icase);
		static const std::regex kEventTrigger("^\\s*(CREATE|ALTER|DROP)\\s+EVENT\\s+TRIGGER", std::regex::icase);
		static const std::regex kConfigDump("pg_extension_config_dump", std::regex::icase);
		static const std::regex kCreated("^\\s*CREATE\\s+(OR\\s+REPLACE\\s+)?FUNCTION\\s+migrate\\.(\\w+)",
		                                 std::regex::icase);
		static const std::regex kRenamedTo("RENAME\\s+TO\\s+(\\w+)", std::regex::icase);
		std::smatch match;
		bool skip = std::regex_search(sql, kCFunction) || std::regex_search(sql, kEventTrigger) ||
		            std::regex_search(sql, kConfigDump) || NamesSkipped(sql);
		if (!skip)
			return true;
		if (std::regex_search(sql, match, kCreated))
			skipped_.insert(ToLower(match[2]));
		if (std::regex_search(sql, match, kRenamedTo))
			skipped_.insert(ToLower(match[1]));
		return false;
	}

private:
	static std::string
	ToLower(std::string s)
	{
		for (char &c : s)
			c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
		return s;
	}
	bool
	NamesSkipped(const std::string &sql) const
	{
		std::string lower = ToLower(sql);
		for (const std::string &name : skipped_) {
			std::string qualified = "migrate." + name;
			for (std::size_t at = lower.find(qualified); at != std::string::npos; at = lower.find(qualified, at + 1)) {
				std::size_t after = at + qualified.size();
				if (after >= lower.size() ||
				    !(std::isalnum(static_cast<unsigned char>(lower[after])) || lower[after] == '_'))
					return true;
			}
		}
		return false;
	}
	std::set<std::string> skipped_;
};

/* The scripts from version (exclusive; "" = none installed) to the default version, in chain order. */
std::vector<const CatalogScript *>
ScriptsFrom(const std::string &version)
{
	std::vector<const CatalogScript *> chain;
	std::string at = version;
	for (;;) {
		const CatalogScript *next = nullptr;
		for (const CatalogScript &s : CatalogScripts())
			if ((at.empty() && std::string(s.from).empty()) || (!at.empty() && at == s.from))
				next = &s;
		if (next == nullptr || at == kCatalogDefaultVersion)
			break;
		chain.push_back(next);
		at = next->to;
	}
	if (at != kCatalogDefaultVersion)
		throw Failure(kExitConnect, "no upgrade path from managed catalog " + (version.empty() ? "(none)" : version) +
		                                " to " + kCatalogDefaultVersion + " in this client");
	return chain;
}

/*
 * migrate.status() for psql in managed mode: the extension's own declaration
 * (the last script's, with its comment), its C body replaced by the catalog
 * read the extension runs when no background step is under way. A step whose
 * client died shows as running here; pg_migrate status says interrupted.
 */
void
CreateStatusReader(Connection &conn, const std::string &declaration, const std::string &comment)
{
	static const std::regex kCBody("AS\\s+'MODULE_PATHNAME'\\s*,\\s*'migrate_status'\\s+LANGUAGE\\s+C\\s+STABLE",
	                               std::regex::icase);
	std::smatch body;
	if (!std::regex_search(declaration, body, kCBody))
		throw Failure(kExitConnect, "this client's catalog scripts declare no migrate.status() to host in SQL");
	conn.Exec("DROP FUNCTION IF EXISTS migrate.status(text)");
	conn.ExecAll(body.prefix().str() + "AS $pg_migrate$" + catalog::StatusIdleSql() +
	             "$pg_migrate$ LANGUAGE sql STABLE" + body.suffix().str());
	if (!comment.empty())
		conn.ExecAll(comment);
}

/* Runs the kept statements of each script, as the connecting role, inside the caller's transaction. */
void
RunScripts(Connection &conn, const std::vector<const CatalogScript *> &chain)
{
	static const std::regex kStatus("^\\s*CREATE\\s+(OR\\s+REPLACE\\s+)?FUNCTION\\s+migrate\\.status\\s*\\(",
	                                std::regex::icase);
	static const std::regex kStatusComment("^\\s*COMMENT\\s+ON\\s+FUNCTION\\s+migrate\\.status\\s*\\(",
	                                       std::regex::icase);
	StatementFilter filter;
	std::vector<std::string> kept;
	std::string status, status_comment; /* the last script's */
	/* the scripts already installed are read, not run: what they made in C is what later scripts must skip */
	std::vector<const CatalogScript *> all = ScriptsFrom("");
	{
		/* the split is the engine's own (statements.hpp), with the server's grammar from libpg_query */
		engine::HostSession host(conn);
		try {
			for (const CatalogScript *script : all) {
				bool run = std::find(chain.begin(), chain.end(), script) != chain.end();
				std::string name = std::string("pg_migrate--") +
				                   (std::string(script->from).empty() ? "" : std::string(script->from) + "--") +
				                   script->to + ".sql";
				SectionOrigin origin{name, "catalog", 1};
				for (const Statement &st : SplitStatements(WithoutMetaCommands(script->text), origin)) {
					if (filter.Keep(st.sql) && run)
						kept.push_back(st.sql);
					if (std::regex_search(st.sql, kStatus))
						status = st.sql;
					else if (std::regex_search(st.sql, kStatusComment))
						status_comment = st.sql;
				}
			}
		} catch (const PgException &e) {
			throw engine::ToSqlError(e.edata);
		}
	}
	for (const std::string &sql : kept)
		conn.ExecAll(sql);
	CreateStatusReader(conn, status, status_comment);
}

} // namespace

std::string
ManagedCatalogVersion(Connection &conn)
{
	if (conn.Exec("SELECT pg_catalog.to_regclass('migrate.managed_catalog') IS NOT NULL").Get(0, 0) != "t")
		return "";
	Result r = conn.Exec("SELECT version FROM migrate.managed_catalog LIMIT 1");
	return r.Rows() == 0 ? "" : r.Get(0, 0);
}

std::string
InstallManagedCatalog(Connection &conn, Output &out)
{
	std::string version = ManagedCatalogVersion(conn);
	if (version == kCatalogDefaultVersion)
		return version;
	if (version.empty()) {
		if (conn.Exec("SELECT count(*) FROM pg_catalog.pg_extension WHERE extname = 'pg_migrate'").Get(0, 0) != "0")
			throw Failure(kExitConnect,
			              "the pg_migrate extension is installed in this database: its catalog is the extension's, "
			              "and managed mode is for databases without it; nothing was changed. pg_migrate install "
			              "(without --no-extension) updates the extension");
		Result schema = conn.Exec("SELECT pg_catalog.to_regnamespace('migrate') IS NOT NULL");
		if (schema.Get(0, 0) == "t")
			throw Failure(kExitConnect,
			              "schema migrate exists in this database but holds no pg_migrate catalog; nothing was "
			              "changed. Rename or drop it, then run pg_migrate install --no-extension again");
		conn.Exec("CREATE SCHEMA migrate");
	}
	RunScripts(conn, ScriptsFrom(version));
	if (version.empty()) {
		conn.Exec("CREATE TABLE migrate.managed_catalog (version text NOT NULL, installed_at timestamptz NOT NULL "
		          "DEFAULT now())");
		conn.Exec("COMMENT ON TABLE migrate.managed_catalog IS 'pg_migrate: catalog made without the extension "
		          "(managed mode); its version'");
		conn.Exec("INSERT INTO migrate.managed_catalog (version) VALUES ($1)", {std::string(kCatalogDefaultVersion)});
	} else {
		conn.Exec("UPDATE migrate.managed_catalog SET version = $1, installed_at = now()",
		          {std::string(kCatalogDefaultVersion)});
		out.Note("managed catalog " + version + " updated to " + kCatalogDefaultVersion);
	}
	return kCatalogDefaultVersion;
}

std::string
AdoptManagedCatalog(Connection &conn)
{
	std::string old_schema = "migrate_managed_" + conn.Exec("SELECT pg_catalog.pg_backend_pid()").Get(0, 0);
	/* the adoption's own DDL is no drift */
	conn.Exec("SELECT pg_catalog.set_config('pg_migrate.capture_ddl', 'off', true)");
	conn.Exec("ALTER SCHEMA migrate RENAME TO " + old_schema);
	conn.Exec("CREATE EXTENSION pg_migrate");
	/* the extension's built-in streams come back with the copy, with whatever positions they had */
	conn.Exec("DELETE FROM migrate.streams");
	Result tables = conn.Exec(
	    "SELECT c.relname, (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) "
	    "FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND "
	    "a.attgenerated = '' AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute o WHERE o.attrelid = old.oid AND "
	    "o.attname = a.attname AND NOT o.attisdropped)) "
	    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_class old ON old.relname = c.relname "
	    "AND old.relnamespace = pg_catalog.to_regnamespace($1) "
	    "WHERE c.relnamespace = 'migrate'::pg_catalog.regnamespace AND c.relkind = 'r' "
	    /* referenced tables first: streams before migrations, migrations before history */
	    "ORDER BY (c.relname = 'streams') DESC, (c.relname = 'migrations') DESC, c.relname",
	    {old_schema});
	long migrations = 0, history = 0;
	for (int r = 0; r < tables.Rows(); r++) {
		std::string table = tables.Get(r, 0), columns = tables.Get(r, 1);
		Result copied =
		    conn.Exec("WITH c AS (INSERT INTO migrate." + table + " (" + columns + ") OVERRIDING SYSTEM VALUE SELECT " +
		              columns + " FROM " + old_schema + "." + table + " RETURNING 1) SELECT count(*) FROM c");
		if (table == "migrations")
			migrations = std::stol(copied.Get(0, 0));
		if (table == "history")
			history = std::stol(copied.Get(0, 0));
	}
	/* the sequences behind the ids go on past the copied rows */
	Result sequences = conn.Exec(
	    "SELECT c.relname, a.attname, pg_catalog.substring(pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
	    "'nextval\\(''([^'']+)''') FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_class c ON c.oid = d.adrelid "
	    "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
	    "WHERE c.relnamespace = 'migrate'::pg_catalog.regnamespace AND pg_catalog.pg_get_expr(d.adbin, d.adrelid) "
	    "LIKE 'nextval(%'");
	for (int r = 0; r < sequences.Rows(); r++)
		conn.Exec("SELECT pg_catalog.setval($1::regclass, m, true) FROM (SELECT max(" + sequences.Get(r, 1) +
		              ") AS m FROM migrate." + sequences.Get(r, 0) + ") x WHERE m IS NOT NULL",
		          {sequences.Get(r, 2)});
	Result identities =
	    conn.Exec("SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c "
	              "ON c.oid = a.attrelid WHERE c.relnamespace = 'migrate'::pg_catalog.regnamespace "
	              "AND a.attidentity <> ''");
	for (int r = 0; r < identities.Rows(); r++)
		conn.Exec("SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence($1, $2), m, true) FROM (SELECT max(" +
		              identities.Get(r, 1) + ") AS m FROM migrate." + identities.Get(r, 0) + ") x WHERE m IS NOT NULL",
		          {"migrate." + identities.Get(r, 0), identities.Get(r, 1)});
	conn.Exec("DROP SCHEMA " + old_schema + " CASCADE");
	return "adopted the managed catalog (" + std::to_string(migrations) + " migrations, " + std::to_string(history) +
	       " history rows) into the extension";
}

} // namespace pgmigrate::client

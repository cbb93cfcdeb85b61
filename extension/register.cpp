/*
 * register.cpp — migrate.register(): parse, check and store one migration.
 *
 * The script is parsed with the same parser the client uses (script.cpp),
 * then each section is split with the server's own SQL parser, so a syntax
 * error or a statement that cannot run in a migration is refused here,
 * before anything is stored, with the file line in the message.
 */
#include "register.hpp"

#include "broken_down.hpp"
#include "catalog.hpp"
#include "execute.hpp"
#include "jobs.hpp"
#include "script.hpp"
#include "statements.hpp"
#include "transaction_policy.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace pgmigrate {

namespace {

/*
 * Adds the stream to migrate.streams unless this (sub)transaction did so
 * already: an upload is one statement, and its thousand files need the row
 * once. A savepoint rolled back could take the row away, so the memo is for
 * the current subtransaction only.
 */
void
EnsureStreamOnce(const std::string &stream)
{
	static std::uint64_t scope = 0;
	static std::set<std::string> ensured;
	std::uint64_t now = pg::CurrentSubtransactionScope();
	if (now != scope) {
		ensured.clear();
		scope = now;
	}
	if (ensured.count(stream) > 0)
		return;
	catalog::EnsureStream(stream);
	ensured.insert(stream);
}

/* Refuses statements a migration cannot hold; returns how many the section has. */
std::size_t
CheckSection(const std::vector<Statement> &statements, const SectionOrigin &origin, bool transactional)
{
	for (const Statement &st : statements) {
		std::string where = "migration " + origin.where + ", " + origin.section + " section, statement " +
		                    std::to_string(st.number) + ", line " + std::to_string(st.line);
		switch (st.kind) {
		case TxKind::TransactionControl:
			throw MigrateError(MG_NOT_ALLOWED_HERE, st.tag + " is not allowed inside a migration",
			                   where + ": " + st.sql,
			                   "pg_migrate runs each migration in a transaction itself; remove the statement (a "
			                   "BEGIN ... COMMIT pair around the whole section is taken as that transaction). A "
			                   "migration that must run outside a transaction is marked -- migrate:no-transaction.");
		case TxKind::NoTransaction:
			if (transactional)
				throw MigrateError(MG_NOT_ALLOWED_HERE, st.tag + " cannot run inside a transaction",
				                   where + ": " + st.sql,
				                   "Put it in a migration of its own marked -- migrate:no-transaction.");
			break;
		case TxKind::ClientData:
			throw MigrateError(MG_NOT_ALLOWED_HERE, "COPY FROM STDIN needs data only a client can send",
			                   where + ": " + st.sql, "Use INSERT ... VALUES, or COPY from a file on the server.");
		case TxKind::ClientOutput:
			throw MigrateError(MG_NOT_ALLOWED_HERE, "COPY TO STDOUT sends rows only a client could receive",
			                   where + ": " + st.sql,
			                   "A migration has no client to send rows to; COPY to a file on the server, or "
			                   "remove the statement.");
		case TxKind::SessionControl:
			throw MigrateError(MG_NOT_ALLOWED_HERE, st.tag + " would change the session the migration runs in",
			                   where + ": " + st.sql,
			                   "A migration runs as the role that applies it and cannot change roles or reset the "
			                   "session; apply it as the role it should run as.");
		case TxKind::Ordinary:
			break;
		}
	}
	return statements.size();
}

/*
 * A repeatable migration whose content changed after it was applied: marked
 * rolled back without running its down (history: resolve), so the new
 * content is stored as pending and the next apply() runs it. Nothing ran,
 * so the recorded schema state stays as it was.
 */
void
MakePendingAgain(const std::string &stream, const std::string &version_key)
{
	std::optional<Migration> applied = catalog::LoadMigration(stream, version_key);
	if (!applied)
		return;
	TimestampTz now = pg::Now();
	HistoryEntry h = catalog::Entry("resolve", "succeeded", now, now);
	h.message = "repeatable migration changed: pending again, to run its new content";
	catalog::RecordPending(*applied, h);
	pg::Notice("migration " + applied->Label() +
	           " is repeatable and its content changed: it runs again on the next "
	           "apply");
}

} // namespace

void
WarnBrokenDown(const NewMigration &m)
{
	if (!m.down_problem.empty())
		pg::Warning(m.down_problem + "; registered anyway, so its up can be deployed, but rolling it back is refused "
		                             "until the down section is fixed (validate() reports it as broken-down)",
		            MG_INVALID_SCRIPT);
}

NewMigration
ParseMigration(const RegisterRequest &req)
{
	/* A newline or tab in a name would break every table that lists it (shown escaped here). */
	for (unsigned char c : req.name) {
		if (c >= 0x20 && c != 0x7f)
			continue;
		std::string shown;
		for (unsigned char d : req.name) {
			static const char hex[] = "0123456789abcdef";
			if (d == '\n')
				shown += "\\n";
			else if (d == '\t')
				shown += "\\t";
			else if (d < 0x20 || d == 0x7f)
				shown += std::string("\\x") + hex[d >> 4] + hex[d & 0xF];
			else
				shown += static_cast<char>(d);
		}
		throw MigrateError(MG_INVALID_SCRIPT, "the migration name \"" + shown + "\" holds a control character", "",
		                   "Rename the file: letters, digits, '_' and '-' make a name every listing can show.");
	}
	NewMigration m;
	m.stream = req.stream;
	m.version = req.version;
	m.name = req.name;
	m.script = req.script;
	m.source = req.source;
	std::string label = m.Label();
	std::string file = req.source.empty() ? label : req.source;
	Script parsed;
	try {
		CheckStreamName(req.stream);
		m.version_key = VersionKey(req.version);
		if (req.name.empty())
			throw ScriptError(0, "the migration name is empty");

		/* The file format is UTF-8; in a database of another encoding the text came converted to it. */
		parsed = ParseScript(pg::ServerToUtf8(req.script), req.stream);
		for (Section *section : {&parsed.up, &parsed.down, &parsed.verify})
			section->sql = pg::Utf8ToServer(section->sql);
	} catch (const ScriptError &e) {
		std::string where = e.line > 0 ? file + ":" + std::to_string(e.line) + ": " : file + ": ";
		throw MigrateError(MG_INVALID_SCRIPT, where + e.what(), "", "Fix the file and deploy again.");
	}
	if (!parsed.stream.empty() && parsed.stream != req.stream)
		throw MigrateError(MG_INVALID_SCRIPT,
		                   file + ": the script declares stream \"" + parsed.stream + "\" but is registered in \"" +
		                       req.stream + "\"",
		                   "", "Register it in the stream its -- migrate:stream directive names.");

	SectionOrigin origin{DescribeMigration(label, req.source), "up", parsed.up.first_line};
	/* A down nobody could run must not keep the up from being deployed (broken_down.hpp): set aside. */
	std::optional<std::vector<Statement>> down_split; /* split once: by the check, then used to settle */
	if (parsed.down.present) {
		SectionOrigin down_origin{origin.where, "down", parsed.down.first_line};
		if (auto broken = FindDownSyntaxError(parsed.down.sql, down_origin, &down_split)) {
			m.down_problem = DescribeDownSyntaxError(file, *broken);
			m.down_line = parsed.down.first_line;
			parsed.down.present = false;
		}
	}
	SettledStatements settled = SettleTransaction(&parsed, origin, std::move(down_split));
	if (CheckSection(settled.up, origin, parsed.transactional) == 0)
		throw MigrateError(MG_INVALID_SCRIPT,
		                   file + ":" + std::to_string(parsed.up.first_line) + ": the up section has no statements", "",
		                   "Write the migration's SQL after -- migrate:up.");
	if (parsed.down.present) {
		origin.section = "down";
		origin.first_line = parsed.down.first_line;
		CheckSection(settled.down, origin, parsed.transactional);
		/* an empty or comment-only down is a down that does nothing, as dbmate and golang-migrate run it */
		m.has_down = true;
	}
	if (parsed.verify.present) {
		origin.section = "verify";
		origin.first_line = parsed.verify.first_line;
		m.has_verify = CheckSection(SplitStatements(parsed.verify.sql, origin), origin, true) > 0;
	}

	m.up_sql = parsed.up.sql;
	m.up_line = parsed.up.first_line;
	if (m.has_down) {
		m.down_sql = parsed.down.sql;
		m.down_line = parsed.down.first_line;
	}
	if (m.has_verify) {
		m.verify_sql = parsed.verify.sql;
		m.verify_line = parsed.verify.first_line;
	}
	static_cast<StoredDirectives &>(m) = parsed;
	/* a repeatable migration runs again below newer versions of its stream */
	m.out_of_order = parsed.out_of_order || parsed.repeatable;
	m.repeatable = parsed.repeatable;
	m.checksum = pg::Sha256Hex(req.script);
	m.registered_by = pg::CurrentRoleName();
	m.author = pg::CurrentUserOid();
	return m;
}

namespace {

using Key = std::pair<std::string, std::string>; /* stream, version key */

/* The key of a request, or nothing when its version does not parse (ParseMigration refuses it in its turn). */
std::optional<Key>
KeyOf(const RegisterRequest &req)
{
	try {
		return Key{req.stream, VersionKey(req.version)};
	} catch (const ScriptError &) {
		return std::nullopt;
	}
}

/* A migration whose (stream, version key) is registered already: "unchanged" or "updated", or refused. */
std::string
RegisterExisting(const NewMigration &m, const Registration &existing, const RegisterRequest &req)
{
	std::string where = DescribeMigration(m.Label(), req.source);
	std::string file = req.source.empty() ? m.Label() : req.source;
	if (existing.version != req.version)
		throw MigrateError(MG_INVALID_SCRIPT,
		                   file + ": version " + req.version + " is the same version as " + existing.version +
		                       ", already registered in stream " + req.stream,
		                   "", "Versions compare as numbers group by group; give the file a version of its own.");
	if (existing.checksum == m.checksum) {
		/* The caller uploaded these very bytes: it may run them from now on (trust.hpp). */
		if (catalog::AuthorOf(req.stream, existing.version) != m.author)
			catalog::SetAuthor(req.stream, existing.version, m.author, m.registered_by);
		return "unchanged";
	}
	bool again = m.repeatable && existing.state == "applied";
	if (!again && (existing.state == "applied" || existing.state == "queued" || existing.state == "running"))
		throw MigrateError(MG_CHECKSUM_MISMATCH, "migration " + where + " was changed after it was applied",
		                   "applied checksum " + existing.checksum + ", uploaded checksum " + m.checksum,
		                   "Restore the file as it was applied and put the change in a new migration; if the "
		                   "change is cosmetic, migrate.repair() records the new content.");
	/* A background step that failed or was interrupted runs again the content it was queued with. */
	if (jobs::HasOpenJob(req.stream, existing.version))
		throw MigrateError(MG_BLOCKED,
		                   "migration " + where +
		                       " has a background step that is not finished; its content cannot "
		                       "change until it is",
		                   "validate() shows the step",
		                   "Fix the cause and SELECT migrate.retry(stream, version), or resolve it with "
		                   "migrate.resolve(stream, version, 'rolled_back'), then register the new content.");
	if (again)
		MakePendingAgain(req.stream, m.version_key);
	catalog::UpdatePendingMigration(m);
	WarnBrokenDown(m);
	return "updated";
}

} // namespace

std::vector<std::string>
RegisterMigrations(const std::vector<RegisterRequest> &requests)
{
	RefuseInsideMigration("migrate.register()");
	/* Serialize with apply(): a migration cannot change while a deploy runs it. */
	pg::LockMigrations();
	std::vector<Key> keys;
	keys.reserve(requests.size());
	for (const RegisterRequest &req : requests)
		if (std::optional<Key> key = KeyOf(req))
			keys.push_back(*key);
	std::map<Key, Registration> registered = catalog::FindRegistrations(keys);

	/*
	 * New migrations are inserted together, in request order; a key met a
	 * second time in the same call first writes what is queued, then looks
	 * again, so the call means what one register() per row would.
	 */
	std::vector<NewMigration> queued;
	std::set<Key> seen;
	std::vector<std::string> outcomes;
	outcomes.reserve(requests.size());
	pg::ScratchMemory parse_memory; /* each file's parse trees are gone once its statements are strings */
	for (const RegisterRequest &req : requests) {
		NewMigration m = parse_memory.Run([&] { return ParseMigration(req); });
		Key key{m.stream, m.version_key};
		Registration existing;
		if (seen.insert(key).second) {
			auto found = registered.find(key);
			if (found != registered.end())
				existing = found->second;
		} else {
			catalog::InsertMigrations(queued);
			queued.clear();
			existing = catalog::FindRegistration(m.stream, m.version_key);
		}
		if (existing.exists) {
			outcomes.push_back(RegisterExisting(m, existing, req));
			continue;
		}
		EnsureStreamOnce(m.stream);
		WarnBrokenDown(m);
		queued.push_back(std::move(m));
		outcomes.emplace_back("new");
	}
	catalog::InsertMigrations(queued);
	return outcomes;
}

std::string
RegisterMigration(const RegisterRequest &req)
{
	return RegisterMigrations({req}).at(0);
}

} // namespace pgmigrate

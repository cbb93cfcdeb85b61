/*
 * checks.cpp — verify and semantic database versions (validate: validate.cpp).
 */
#include "checks.hpp"

#include "catalog.hpp"
#include "execute.hpp"
#include "script.hpp"
#include "trust.hpp"

#include <algorithm>

namespace pgmigrate {

std::vector<VerifyRow>
VerifyApplied(const Value &stream)
{
	ReentryGuard busy("migrate.verify()");
	std::vector<Migration> checked;
	for (Migration &m : catalog::LoadAll())
		if (m.state == "applied" && m.has_verify && (!stream || m.stream == *stream))
			checked.push_back(std::move(m));
	/* Nothing runs unless every verify section may run as the caller. */
	catalog::LoadAuthors(checked);
	Oid caller = pg::CurrentUserOid();
	for (const Migration &m : checked)
		RequireTrustedAuthor(m, caller, "verify");
	std::vector<VerifyRow> rows;
	for (const Migration &m : checked) {
		VerifyRow row{m.stream, m.version, m.name, true, ""};
		/* Whatever a verify section does is undone: it only asks. */
		pg::SubtransactionFrame frame = pg::BeginSubtransaction();
		try {
			RunSection(m, SectionKind::Verify);
		} catch (const PgException &e) {
			if (IsInterrupt(e.edata)) {
				pg::RollbackSubtransaction(frame);
				throw;
			}
			row.ok = false;
			row.message = e.edata->message ? e.edata->message : "verify failed";
		}
		pg::RollbackSubtransaction(frame);
		rows.push_back(std::move(row));
	}
	return rows;
}

std::string
DatabaseVersion()
{
	std::string best, best_key;
	for (const std::string &version : catalog::AppliedDbVersions()) {
		std::string key = SemanticVersionKey(version);
		if (key > best_key) {
			best_key = key;
			best = version;
		}
	}
	return best;
}

bool
CheckCompatibility(const std::string &component, const std::string &version)
{
	std::string version_key;
	try {
		version_key = SemanticVersionKey(version);
	} catch (const ScriptError &e) {
		throw MigrateError(ERRCODE_INVALID_PARAMETER_VALUE, std::string("version: ") + e.what());
	}
	std::string current = DatabaseVersion();
	if (current.empty())
		return false;
	std::string current_key = SemanticVersionKey(current);
	for (const auto &row : catalog::CompatibilityRows(component)) {
		try {
			if (SemanticVersionKey(row.db_version) == current_key &&
			    SemanticVersionKey(row.min_version) <= version_key &&
			    version_key <= SemanticVersionKey(row.max_version))
				return true;
		} catch (const ScriptError &) {
			/* A malformed row of the matrix matches nothing. */
		}
	}
	return false;
}

} // namespace pgmigrate

/* version_report.cpp — what `pg_migrate version` shows (see version_report.hpp). */
#include "version_report.hpp"

namespace pgmigrate::client {

namespace {

std::string
Label(const CheckOutcome &check)
{
	return check.component + " " + check.version;
}

} // namespace

std::vector<std::string>
VersionNotes(const VersionFacts &facts)
{
	std::vector<std::string> notes;
	if (facts.library_version != facts.extension_version)
		notes.push_back("the extension's SQL objects are at " + facts.extension_version +
		                " but the loaded library is " + facts.library_version + "; pg_migrate install updates them");
	if (facts.client_version != facts.library_version)
		notes.push_back("this client is " + facts.client_version + ", the extension " + facts.library_version);
	return notes;
}

std::string
VersionText(const VersionFacts &facts, const std::vector<CheckOutcome> &checks)
{
	std::string text;
	auto line = [&text](const std::string &label, const std::string &value) {
		text += label + std::string(label.size() < 18 ? 18 - label.size() : 1, ' ') + value + "\n";
	};
	line("database version", facts.db_version ? *facts.db_version : "(none declared)");
	line("extension",
	     facts.extension_version + (facts.library_version != facts.extension_version
	                                    ? " (library " + facts.library_version + ": run pg_migrate install)"
	                                    : ""));
	line("client", facts.client_version);
	line("server", "PostgreSQL " + facts.server_version);
	line("applied", facts.applied + (facts.applied == "1" ? " migration" : " migrations"));
	for (const CheckOutcome &check : checks) {
		if (check.compatible)
			line(Label(check), "compatible with database version " + facts.db_version.value_or("(none)"));
		else
			line(Label(check), "NOT compatible: " + check.why);
	}
	return text;
}

nlohmann::json
VersionJson(const VersionFacts &facts)
{
	nlohmann::json doc = nlohmann::json::object();
	doc["db_version"] = facts.db_version ? nlohmann::json(*facts.db_version) : nlohmann::json();
	doc["extension_version"] = facts.extension_version;
	doc["library_version"] = facts.library_version;
	doc["client_version"] = facts.client_version;
	doc["server_version"] = facts.server_version;
	doc["applied"] = std::stol(facts.applied);
	return doc;
}

nlohmann::json
ChecksJson(const std::vector<CheckOutcome> &checks)
{
	nlohmann::json json_checks = nlohmann::json::array();
	for (const CheckOutcome &check : checks)
		json_checks.push_back(
		    {{"component", check.component}, {"version", check.version}, {"compatible", check.compatible}});
	return json_checks;
}

std::vector<std::string>
Incompatible(const std::vector<CheckOutcome> &checks)
{
	std::vector<std::string> incompatible;
	for (const CheckOutcome &check : checks)
		if (!check.compatible)
			incompatible.push_back(Label(check) + ": " + check.why);
	return incompatible;
}

std::string
IncompatibleMessage(const VersionFacts &facts, const std::vector<std::string> &incompatible)
{
	std::string message =
	    "incompatible with database version " + (facts.db_version ? *facts.db_version : "(none)") + ": ";
	for (std::size_t i = 0; i < incompatible.size(); i++)
		message += (i > 0 ? "; " : "") + incompatible[i];
	return message;
}

} // namespace pgmigrate::client

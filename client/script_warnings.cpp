/* script_warnings.cpp — showing MG002 warnings as lint-style findings (see script_warnings.hpp). */
#include "script_warnings.hpp"

#include "lint_findings.hpp"

#include <regex>

namespace pgmigrate::client {

bool
ShowScriptWarning(const Notice &notice, Output &out)
{
	if (notice.severity != "WARNING" || notice.sqlstate != "MG002")
		return false;
	LintFinding finding;
	finding.rule = "broken-down";
	finding.severity = "warning";
	finding.message = notice.message;
	/* "FILE:LINE: text": the first ":digits: " ends the file name */
	static const std::regex kWhere("^(.+?):([0-9]{1,9}): (.*)$");
	std::smatch where;
	if (std::regex_match(notice.message, where, kWhere)) {
		finding.file = where[1];
		finding.line = std::stoi(where[2]);
		finding.message = where[3];
	}
	ReportWarnings({finding}, out);
	return true;
}

} // namespace pgmigrate::client

/* broken_down.cpp — finding and describing down sections that do not parse (see broken_down.hpp). */
#include "broken_down.hpp"

#include "execute.hpp"
#include "script.hpp"

namespace pgmigrate {

std::string
DescribeDownSyntaxError(const std::string &file, const DownSyntaxError &error)
{
	return file + ":" + std::to_string(error.line) + ": the down section does not parse: " + error.message;
}

bool
HasBrokenDown(const Migration &m)
{
	return !m.has_down && m.down_line > 0;
}

std::string
DescribeBrokenDown(const Migration &m)
{
	std::string file = m.source.empty() ? m.Label() : m.source;
	DownSyntaxError error{m.down_line, "syntax error"};
	try {
		Script parsed = ParseScript(pg::ServerToUtf8(catalog::StoredScript(m.stream, m.version)), m.stream);
		SectionOrigin origin{DescribeMigration(m.Label(), m.source), "down", parsed.down.first_line};
		if (auto found = FindDownSyntaxError(pg::Utf8ToServer(parsed.down.sql), origin))
			error = *found;
	} catch (const ScriptError &) {
		/* a stored script parsed when it was registered; the line kept then still names the section */
	}
	return DescribeDownSyntaxError(file, error);
}

std::vector<Migration>
MigrationsWithBrokenDown()
{
	return catalog::LoadBrokenDownSummaries();
}

} // namespace pgmigrate

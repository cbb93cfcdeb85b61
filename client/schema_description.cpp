/* schema_description.cpp — see schema_description.hpp. */
#include "schema_description.hpp"
#include "strings.hpp"

#include <algorithm>
#include <tuple>

namespace pgmigrate::client {

namespace {

Description
Rows(Connection &conn, const std::string &sql)
{
	Description rows;
	Result result = conn.Exec(sql);
	for (int r = 0; r < result.Rows(); r++)
		rows[{result.Get(r, 0), result.Get(r, 1)}] = result.Get(r, 2);
	return rows;
}

} // namespace

Description
Describe(Connection &conn)
{
	return Rows(conn, "SELECT kind, object, description FROM migrate.describe()");
}

Description
RecordedDescription(Connection &conn)
{
	return Rows(conn, "SELECT kind, object, description FROM migrate.schema_state");
}

std::vector<SchemaChange>
CompareDescriptions(const Description &before, const Description &after)
{
	std::vector<SchemaChange> changes;
	for (const auto &[key, text] : before) {
		auto it = after.find(key);
		if (it == after.end())
			changes.push_back({key.first, key.second, "removed", text, std::nullopt});
		else if (it->second != text)
			changes.push_back({key.first, key.second, "changed", text, it->second});
	}
	for (const auto &[key, text] : after)
		if (before.count(key) == 0)
			changes.push_back({key.first, key.second, "added", std::nullopt, text});
	std::sort(changes.begin(), changes.end(), [](const SchemaChange &a, const SchemaChange &b) {
		return std::tie(a.kind, a.object) < std::tie(b.kind, b.object);
	});
	return changes;
}

std::string
ChangesText(const std::vector<SchemaChange> &changes, const std::string &before_label, const std::string &after_label)
{
	std::string text;
	for (const SchemaChange &c : changes) {
		text += "--- " + before_label + " " + c.kind + " " + c.object + "\n+++ " + after_label + " " + c.kind + " " +
		        c.object + "\n";
		text += "@@ " + c.change + " @@\n";
		if (c.before)
			text += PrefixLines("-", *c.before);
		if (c.after)
			text += PrefixLines("+", *c.after);
	}
	return text;
}

} // namespace pgmigrate::client

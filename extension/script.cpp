/*
 * script.cpp — parser of the pg_migrate file format (see script.hpp).
 *
 * Line based, like dbmate: a directive is a whole line "-- migrate:NAME args"
 * that starts at column 0 (dbmate's rule; an indented one is an SQL comment).
 * The SQL between directives is kept byte for byte, so line numbers of the
 * stored sections map straight back to the file.
 */
#include "script.hpp"

#include <algorithm>
#include <cctype>

#include "cpp_only.hpp" /* last: this file is compiled into the client too */

namespace pgmigrate {

namespace {

constexpr std::size_t kVersionGroupWidth = 20;
constexpr std::size_t kMaxVersionGroups = 8;

std::string_view
Trim(std::string_view s)
{
	auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
	while (!s.empty() && blank(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && blank(s.back()))
		s.remove_suffix(1);
	return s;
}

bool
IsDigit(char c)
{
	return c >= '0' && c <= '9';
}

std::vector<std::string>
SplitList(std::string_view s)
{
	std::vector<std::string> out;
	std::size_t start = 0;
	while (start <= s.size()) {
		std::size_t comma = s.find(',', start);
		if (comma == std::string_view::npos)
			comma = s.size();
		std::string_view item = Trim(s.substr(start, comma - start));
		if (!item.empty())
			out.emplace_back(item);
		start = comma + 1;
	}
	return out;
}

/* "-- migrate:NAME rest" at column 0 → true with name and rest; any other line → false. */
bool
MatchDirective(std::string_view line, std::string_view *name, std::string_view *rest)
{
	std::string_view s = Trim(line);
	if (s.size() < 2 || line[0] != '-' || s[0] != '-' || s[1] != '-')
		return false;
	s.remove_prefix(2);
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
		s.remove_prefix(1);
	constexpr std::string_view kPrefix = "migrate:";
	if (s.substr(0, kPrefix.size()) != kPrefix)
		return false;
	s.remove_prefix(kPrefix.size());
	std::size_t end = 0;
	while (end < s.size() && s[end] != ' ' && s[end] != '\t')
		end++;
	*name = s.substr(0, end);
	*rest = Trim(s.substr(end));
	return true;
}

bool
IsRuleId(std::string_view s)
{
	if (s.empty() || s.size() > 63)
		return false;
	return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || IsDigit(c) || c == '-'; });
}

/* A PostgreSQL duration: digits, optional fraction, optional unit. */
bool
IsDuration(std::string_view s)
{
	std::size_t i = 0;
	while (i < s.size() && IsDigit(s[i]))
		i++;
	if (i == 0)
		return false;
	std::string_view unit = Trim(s.substr(i));
	return unit.empty() || unit == "ms" || unit == "s" || unit == "min" || unit == "h";
}

/* True when the duration IsDuration() accepted fits lock_timeout: at most INT_MAX milliseconds. */
bool
DurationFits(std::string_view s)
{
	constexpr unsigned long long kMaxMs = 2147483647;
	unsigned long long value = 0;
	std::size_t i = 0;
	for (; i < s.size() && IsDigit(s[i]); i++) {
		value = value * 10 + static_cast<unsigned long long>(s[i] - '0');
		if (value > kMaxMs)
			return false;
	}
	std::string_view unit = Trim(s.substr(i));
	unsigned long long ms = unit == "s" ? 1000 : unit == "min" ? 60000 : unit == "h" ? 3600000 : 1;
	return value * ms <= kMaxMs;
}

bool
IsSemanticVersion(std::string_view s)
{
	if (s.empty() || s.size() > 63)
		return false;
	bool want_digit = true;
	for (char c : s) {
		if (IsDigit(c))
			want_digit = false;
		else if (c == '.' && !want_digit)
			want_digit = true;
		else
			return false;
	}
	return !want_digit;
}

class Parser {
public:
	Parser(std::string_view text, const std::string &default_stream) : text_(text), default_stream_(default_stream) {}

	Script
	Run()
	{
		std::size_t bad = 0;
		if (!IsCleanUtf8(text_, &bad))
			throw ScriptError(LineOf(bad),
			                  text_[bad] == '\0' ? "the file contains a NUL byte" : "the file is not valid UTF-8");
		/* Classic Mac OS line ends: every line would run into the next one. */
		if (text_.find('\r') != std::string_view::npos && text_.find('\n') == std::string_view::npos)
			throw ScriptError(1, "the file has CR-only line ends (as classic Mac OS wrote them); save it with LF "
			                     "or CRLF line ends");
		/* Editors on Windows may start the file with a UTF-8 byte order mark. */
		std::size_t pos = text_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
		int line_no = 0;
		while (pos < text_.size()) {
			std::size_t nl = text_.find('\n', pos);
			std::size_t end = nl == std::string_view::npos ? text_.size() : nl + 1;
			line_no++;
			HandleLine(text_.substr(pos, end - pos), line_no);
			pos = end;
		}
		Finish();
		return std::move(script_);
	}

private:
	int
	LineOf(std::size_t offset) const
	{
		return 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + offset, '\n'));
	}

	void
	HandleLine(std::string_view line, int line_no)
	{
		std::string_view name, rest;
		if (!MatchDirective(line, &name, &rest)) {
			AppendToCurrent(line, line_no);
			return;
		}
		if (name == "up" || name == "down" || name == "verify") {
			StartSection(name, rest, line_no);
			return;
		}
		HandleDirective(name, rest, line_no);
		/* Kept as an SQL comment, so line numbers inside the section stay those of the file. */
		AppendToCurrent(line, line_no);
	}

	void
	HandleDirective(std::string_view name, std::string_view rest, int line_no)
	{
		if (name == "no-transaction") {
			if (rest.empty())
				script_.transactional = false;
			else if (rest == "if-needed")
				script_.no_transaction_if = NoTransactionIf::kNeeded;
			else if (rest == "if-needed-between-breakpoints")
				script_.no_transaction_if = NoTransactionIf::kNeededBetweenBreakpoints;
			else
				throw ScriptError(line_no, "-- migrate:no-transaction takes no argument, or if-needed, or "
				                           "if-needed-between-breakpoints");
		} else if (name == "transaction-blocks") {
			NoArguments(name, rest, line_no);
			script_.transaction_blocks = true;
		} else if (name == "out-of-order") {
			NoArguments(name, rest, line_no);
			script_.out_of_order = true;
		} else if (name == "repeatable") {
			NoArguments(name, rest, line_no);
			script_.repeatable = true;
		} else if (name == "stream") {
			Once(script_.stream, name, rest, line_no);
			try {
				CheckStreamName(rest);
			} catch (const ScriptError &e) {
				throw ScriptError(line_no, e.what());
			}
		} else if (name == "db-version") {
			Once(script_.db_version, name, rest, line_no);
			if (!IsSemanticVersion(rest))
				throw ScriptError(line_no, "db-version \"" + std::string(rest) +
				                               "\" is not a version like 1.2.0 (digits separated by dots)");
			/* the same limits as every version, so SemanticVersionKey() accepts what was registered */
			try {
				CheckVersion(rest);
			} catch (const ScriptError &e) {
				throw ScriptError(line_no, std::string("db-version: ") + e.what());
			}
		} else if (name == "lock-timeout") {
			Once(script_.lock_timeout, name, rest, line_no);
			if (!IsDuration(rest))
				throw ScriptError(line_no, "lock-timeout \"" + std::string(rest) +
				                               "\" is not a duration such as 500ms, 2s or 1min");
			if (!DurationFits(rest))
				throw ScriptError(line_no, "lock-timeout \"" + std::string(rest) +
				                               "\" is longer than PostgreSQL allows (2147483647ms, about 24 days)");
		} else if (name == "requires") {
			AddRequires(rest, line_no);
		} else if (name == "allow") {
			for (auto &rule : SplitList(rest)) {
				if (!IsRuleId(rule))
					throw ScriptError(line_no, "allow: \"" + rule + "\" is not a lint rule id such as drop-column");
				script_.allow.push_back(rule);
			}
			if (script_.allow.empty())
				throw ScriptError(line_no, "allow needs at least one lint rule id");
		} else {
			throw ScriptError(line_no,
			                  "unknown directive \"-- migrate:" + std::string(name) +
			                      "\"; known: up, down, verify, no-transaction, stream, requires, "
			                      "db-version, allow, lock-timeout, out-of-order, repeatable, transaction-blocks");
		}
	}

	void
	StartSection(std::string_view name, std::string_view rest, int line_no)
	{
		Section *section = name == "up" ? &script_.up : name == "down" ? &script_.down : &script_.verify;
		if (section->present)
			throw ScriptError(line_no, "section \"" + std::string(name) + "\" appears twice");
		if (!rest.empty()) {
			/* dbmate writes "-- migrate:up transaction:false" */
			if (name != "verify" && rest == "transaction:false")
				script_.transactional = false;
			else if (!(name != "verify" && rest == "transaction:true"))
				throw ScriptError(line_no, "unexpected \"" + std::string(rest) + "\" after -- migrate:" +
				                               std::string(name) + " (only transaction:false is known)");
		}
		if (current_ == nullptr && HasSql(preamble_.sql)) {
			/* SQL before the first marker is the up section when down or verify comes first. */
			if (name == "up")
				throw ScriptError(FirstSqlLine(preamble_),
				                  "SQL before the first section marker; put it after -- migrate:up");
			script_.up = preamble_;
			script_.up.present = true;
			if (script_.up.first_line == 0)
				script_.up.first_line = 1;
		}
		section->present = true;
		section->first_line = line_no + 1;
		current_ = section;
		any_marker_ = true;
	}

	static int
	FirstSqlLine(const Section &s)
	{
		int line = s.first_line;
		std::size_t pos = 0;
		while (pos < s.sql.size()) {
			std::size_t nl = s.sql.find('\n', pos);
			if (nl == std::string::npos)
				nl = s.sql.size();
			std::string_view l = Trim(std::string_view(s.sql).substr(pos, nl - pos));
			if (!l.empty() && l.substr(0, 2) != "--")
				return line;
			line++;
			pos = nl + 1;
		}
		return s.first_line;
	}

	void
	AppendToCurrent(std::string_view line, int line_no)
	{
		Section *target = current_ != nullptr ? current_ : &preamble_;
		if (target->sql.empty() && target->first_line == 0)
			target->first_line = line_no;
		target->sql.append(line);
	}

	static void
	NoArguments(std::string_view name, std::string_view rest, int line_no)
	{
		if (!rest.empty())
			throw ScriptError(line_no, "-- migrate:" + std::string(name) + " takes no argument");
	}

	static void
	Once(std::string &slot, std::string_view name, std::string_view rest, int line_no)
	{
		if (!slot.empty())
			throw ScriptError(line_no, "-- migrate:" + std::string(name) + " appears twice");
		if (rest.empty())
			throw ScriptError(line_no, "-- migrate:" + std::string(name) + " needs a value");
		slot = std::string(rest);
	}

	void
	AddRequires(std::string_view rest, int line_no)
	{
		auto items = SplitList(rest);
		if (items.empty())
			throw ScriptError(line_no, "requires needs at least one STREAM:VERSION");
		for (auto &item : items) {
			std::size_t colon = item.find(':');
			std::string stream = colon == std::string::npos ? default_stream_ : item.substr(0, colon);
			std::string version = colon == std::string::npos ? item : item.substr(colon + 1);
			try {
				CheckStreamName(stream);
				CheckVersion(version);
			} catch (const ScriptError &e) {
				throw ScriptError(line_no, "requires \"" + item + "\": " + e.what());
			}
			script_.requires_.push_back(stream + ":" + version);
		}
	}

	void
	Finish()
	{
		if (!any_marker_) {
			/* A file with no section marker is all up. */
			script_.up = preamble_;
			script_.up.present = true;
			if (script_.up.first_line == 0)
				script_.up.first_line = 1;
		} else if (!script_.up.present) {
			/* down/verify marker without up and nothing before it: an empty up. */
			script_.up = preamble_;
			script_.up.present = true;
		}
		if (!HasSql(script_.up.sql))
			throw ScriptError(script_.up.first_line > 0 ? script_.up.first_line : 1,
			                  "the up section is empty; write the migration's SQL after -- migrate:up");
	}

	std::string_view text_;
	const std::string &default_stream_;
	Script script_;
	Section preamble_;
	Section *current_ = nullptr;
	bool any_marker_ = false;
};

} // namespace

bool
HasSql(std::string_view sql)
{
	std::size_t pos = 0;
	while (pos < sql.size()) {
		std::size_t nl = sql.find('\n', pos);
		if (nl == std::string_view::npos)
			nl = sql.size();
		std::string_view line = Trim(sql.substr(pos, nl - pos));
		if (!line.empty() && line.substr(0, 2) != "--")
			return true;
		pos = nl + 1;
	}
	return false;
}

Script
ParseScript(std::string_view text, const std::string &default_stream)
{
	return Parser(text, default_stream).Run();
}

FileName
ParseFileName(std::string_view file_name)
{
	std::string_view base = file_name;
	std::size_t slash = base.find_last_of('/');
	if (slash != std::string_view::npos)
		base.remove_prefix(slash + 1);
	if (base.size() > 4 && base.substr(base.size() - 4) == ".sql")
		base.remove_suffix(4);

	std::size_t i = 0;
	while (i < base.size() && IsDigit(base[i])) {
		while (i < base.size() && IsDigit(base[i]))
			i++;
		/* a separator continues the version only when a digit follows it */
		if (i + 1 < base.size() && (base[i] == '_' || base[i] == '.') && IsDigit(base[i + 1]))
			i++;
		else
			break;
	}
	if (i == 0)
		throw ScriptError(0, "file name \"" + std::string(file_name) +
		                         "\" does not start with a version; name it like 20260123120000_add_users.sql");
	FileName out;
	out.version = std::string(base.substr(0, i));
	if (i < base.size()) {
		if (base[i] != '_')
			throw ScriptError(0, "file name \"" + std::string(file_name) + "\": expected '_' after version " +
			                         out.version);
		out.name = std::string(base.substr(i + 1));
	}
	if (out.name.empty())
		throw ScriptError(0, "file name \"" + std::string(file_name) + "\" has no name after the version");
	CheckVersion(out.version);
	return out;
}

void
CheckVersion(std::string_view version)
{
	if (version.empty())
		throw ScriptError(0, "empty version");
	std::size_t groups = 1, width = 0;
	for (std::size_t i = 0; i < version.size(); i++) {
		char c = version[i];
		if (IsDigit(c)) {
			if (++width > kVersionGroupWidth)
				throw ScriptError(0, "version \"" + std::string(version.substr(0, 60)) +
				                         "\" has a group longer than 20 digits");
			continue;
		}
		if ((c == '_' || c == '.') && width > 0 && i + 1 < version.size()) {
			width = 0;
			if (++groups > kMaxVersionGroups)
				throw ScriptError(0, "version \"" + std::string(version.substr(0, 60)) + "\" has too many groups");
			continue;
		}
		throw ScriptError(0, "version \"" + std::string(version.substr(0, 60)) +
		                         "\" must be digit groups joined by '_' or '.', like 20260123120000 or 1.2");
	}
}

std::string
VersionKey(std::string_view version)
{
	CheckVersion(version);
	std::string key;
	std::size_t start = 0;
	while (start <= version.size()) {
		std::size_t end = start;
		while (end < version.size() && IsDigit(version[end]))
			end++;
		std::string_view group = version.substr(start, end - start);
		while (group.size() > 1 && group.front() == '0')
			group.remove_prefix(1);
		if (!key.empty())
			key.push_back('.');
		key.append(kVersionGroupWidth - group.size(), '0');
		key.append(group);
		start = end + 1;
	}
	return key;
}

std::string
SemanticVersionKey(std::string_view version)
{
	std::string key = VersionKey(version);
	const std::string zero_group = "." + std::string(kVersionGroupWidth, '0');
	while (key.size() > kVersionGroupWidth &&
	       key.compare(key.size() - zero_group.size(), zero_group.size(), zero_group) == 0)
		key.resize(key.size() - zero_group.size());
	return key;
}

int
CompareVersions(std::string_view a, std::string_view b)
{
	return VersionKey(a).compare(VersionKey(b));
}

void
CheckStreamName(std::string_view name)
{
	bool ok = !name.empty() && name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
		return (c >= 'a' && c <= 'z') || IsDigit(c) || c == '_' || c == '-';
	});
	if (!ok)
		throw ScriptError(0, "stream name \"" + std::string(name.substr(0, 80)) +
		                         "\" must be 1 to 63 characters of a-z, 0-9, '_' or '-'");
}

bool
IsCleanUtf8(std::string_view text, std::size_t *bad_offset)
{
	const auto *s = reinterpret_cast<const unsigned char *>(text.data());
	std::size_t n = text.size(), i = 0;
	while (i < n) {
		unsigned char c = s[i];
		std::size_t len;
		unsigned int min_cp, cp;
		if (c == 0) {
			*bad_offset = i;
			return false;
		}
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, min_cp = 0x80, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, min_cp = 0x800, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, min_cp = 0x10000, cp = c & 0x07;
		} else {
			*bad_offset = i;
			return false;
		}
		if (i + len > n) {
			*bad_offset = i;
			return false;
		}
		for (std::size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80) {
				*bad_offset = i;
				return false;
			}
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
			*bad_offset = i;
			return false;
		}
		i += len;
	}
	return true;
}

} // namespace pgmigrate

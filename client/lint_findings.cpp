/* lint_findings.cpp — lint findings from migrate.lint(), apply()'s notices and MG004 (see lint_findings.hpp). */
#include "lint_findings.hpp"

#include "script.hpp"
#include "exit_codes.hpp"
#include "script_warnings.hpp"
#include "session.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

namespace pgmigrate::client {

namespace {

/* "RULE (statement N, line L): MESSAGE", as DescribeFindings in the extension writes it */
bool
ParseFindingLine(const std::string &text, LintFinding *finding)
{
	static const std::regex kLine(R"(^([a-z][a-z0-9-]*) \(statement ([0-9]+), line ([0-9]+)\): (.*)$)");
	std::smatch m;
	if (!std::regex_match(text, m, kLine))
		return false;
	finding->rule = m[1];
	finding->statement = std::stoi(m[2]);
	finding->line = std::stoi(m[3]);
	finding->message = m[4];
	return true;
}

std::vector<std::string>
Lines(const std::string &text)
{
	std::vector<std::string> lines;
	std::size_t start = 0;
	while (start <= text.size()) {
		std::size_t end = text.find('\n', start);
		if (end == std::string::npos)
			end = text.size();
		lines.push_back(text.substr(start, end - start));
		start = end + 1;
	}
	return lines;
}

/* One finding of migration label; named by its file when files has it. */
LintFinding
FromApply(const std::string &label, const std::vector<MigrationFile> &files, const char *severity)
{
	LintFinding f;
	f.migration = label;
	f.file = FileForLabel(files, label);
	if (f.file.empty())
		f.file = label;
	f.severity = severity;
	return f;
}

/* The column's index, -1 when the result has none (a column an older catalog does not return). */
int
OptionalColumn(const Result &result, const char *name)
{
	return PQfnumber(result.Raw(), name);
}

/* A boolean column's value; nullopt for NULL or no such column. */
std::optional<bool>
OptionalBool(const Result &result, int row, int column)
{
	if (column < 0 || result.IsNull(row, column))
		return std::nullopt;
	return result.Get(row, column) == "t";
}

} // namespace

std::string
LintText(const LintFinding &f)
{
	std::string text = f.file;
	if (f.line > 0)
		text += ":" + std::to_string(f.line);
	text += ": " + f.severity + ": " + f.rule + ": " + f.message;
	if (!f.lock_mode.empty())
		text += " (lock: " + f.lock_mode + ")";
	if (f.allowed)
		text += " [allowed]";
	else if (f.severity == "error" && f.blocks_here == false)
		text += " [not blocking here]";
	return text;
}

nlohmann::json
LintJson(const LintFinding &f)
{
	return {{"file", f.file},
	        {"migration", f.migration.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.migration)},
	        {"line", f.line > 0 ? nlohmann::json(f.line) : nlohmann::json(nullptr)},
	        {"statement", f.statement > 0 ? nlohmann::json(f.statement) : nlohmann::json(nullptr)},
	        {"rule", f.rule},
	        {"severity", f.severity},
	        {"lock_mode", f.lock_mode.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.lock_mode)},
	        {"message", f.message},
	        {"allowed", f.allowed},
	        {"blocks_here", f.blocks_here ? nlohmann::json(*f.blocks_here) : nlohmann::json(nullptr)}};
}

nlohmann::json
LintJson(const std::vector<LintFinding> &findings)
{
	nlohmann::json array = nlohmann::json::array();
	for (const LintFinding &f : findings)
		array.push_back(LintJson(f));
	return array;
}

std::string
FileForLabel(const std::vector<MigrationFile> &files, const std::string &label)
{
	for (const MigrationFile &f : files)
		if (label.size() == f.stream.size() + f.version.size() + f.name.size() + 2 &&
		    label == f.stream + "/" + f.version + "_" + f.name)
			return f.path;
	return "";
}

std::vector<LintFinding>
ParseLintNotice(const std::string &message, const std::vector<MigrationFile> &files)
{
	static const std::string kPrefix = "migration ", kMarker = " lint: ", kPassed = " lint, not blocking here: ";
	std::vector<LintFinding> findings;
	if (message.compare(0, kPrefix.size(), kPrefix) != 0)
		return findings;
	const char *severity = "notice";
	std::size_t marker = message.find(kPassed, kPrefix.size()), length = kPassed.size();
	if (marker == std::string::npos) {
		severity = "warning";
		marker = message.find(kMarker, kPrefix.size());
		length = kMarker.size();
	}
	if (marker == std::string::npos)
		return findings;
	std::string label = message.substr(kPrefix.size(), marker - kPrefix.size());
	for (const std::string &line : Lines(message.substr(marker + length))) {
		LintFinding f = FromApply(label, files, severity);
		f.blocks_here = false;
		if (ParseFindingLine(line, &f))
			findings.push_back(f);
		else if (!findings.empty())
			findings.back().message += "\n" + line; /* a message of several lines */
	}
	return findings;
}

std::vector<LintFinding>
ParseLintRefusal(const std::string &detail, const std::vector<MigrationFile> &files)
{
	std::vector<LintFinding> findings;
	std::string label;
	for (const std::string &line : Lines(detail)) {
		LintFinding f = FromApply(label, files, "error");
		f.blocks_here = true;
		if (!label.empty() && ParseFindingLine(line, &f)) {
			findings.push_back(f);
		} else if (!line.empty() && line.back() == ':' && line.find('/') != std::string::npos) {
			label = line.substr(0, line.size() - 1);
		} else if (!findings.empty()) {
			findings.back().message += "\n" + line;
		}
	}
	return findings;
}

std::vector<std::string>
AllowedRules(const std::string &content)
{
	try {
		return ParseScript(content, "schema").allow;
	} catch (const ScriptError &) {
		return {};
	}
}

std::vector<LintFinding>
LintRegistered(Connection &conn, const std::vector<const MigrationFile *> &files)
{
	std::vector<LintFinding> findings;
	if (files.empty())
		return findings;
	std::vector<std::string> scripts;
	for (const MigrationFile *file : files)
		scripts.push_back(file->content);
	/* l.*: allowed and blocks_here come with catalog 0.1.5, after the six columns every catalog has */
	static const std::string kSql = "SELECT f.n, l.* "
	                                "FROM unnest($1::text[]) WITH ORDINALITY AS f(script, n), "
	                                "LATERAL migrate.lint(f.script) WITH ORDINALITY AS l "
	                                "ORDER BY f.n, l.ordinality";
	Result result = conn.Exec(kSql, {TextArrayLiteral(scripts)});
	int allowed_column = OptionalColumn(result, "allowed"), blocks_column = OptionalColumn(result, "blocks_here");
	std::vector<std::vector<std::string>> allowed(files.size());
	std::vector<bool> parsed(files.size(), false);
	for (int r = 0; r < result.Rows(); r++) {
		std::size_t i = static_cast<std::size_t>(std::stol(result.Get(r, 0)) - 1);
		if (i >= files.size())
			continue;
		if (!parsed[i]) {
			allowed[i] = AllowedRules(files[i]->content);
			parsed[i] = true;
		}
		const MigrationFile *file = files[i];
		LintFinding f;
		f.file = file->path;
		f.migration = file->stream + "/" + file->version + "_" + file->name;
		f.statement = result.IsNull(r, 1) ? 0 : std::stoi(result.Get(r, 1));
		f.line = result.IsNull(r, 2) ? 0 : std::stoi(result.Get(r, 2));
		f.rule = result.Get(r, 3);
		f.severity = result.Get(r, 4);
		f.lock_mode = result.Get(r, 5);
		f.message = result.Get(r, 6);
		f.allowed = std::find(allowed[i].begin(), allowed[i].end(), f.rule) != allowed[i].end() ||
		            OptionalBool(result, r, allowed_column).value_or(false);
		f.blocks_here = OptionalBool(result, r, blocks_column);
		if (!f.allowed)
			findings.push_back(f);
	}
	return findings;
}

void
PrintLintSummary(const std::vector<LintFinding> &findings, Output &out)
{
	if (out.IsVerbose()) {
		for (const LintFinding &f : findings)
			out.Note(LintText(f));
		return;
	}
	/* per (severity, rule), in the order the rules first appear */
	struct Group {
		const LintFinding *first = nullptr;
		std::size_t count = 0;
		std::set<std::string> migrations;
	};
	std::vector<std::pair<std::string, std::string>> order;
	std::map<std::pair<std::string, std::string>, Group> groups;
	for (const LintFinding &f : findings) {
		auto key = std::make_pair(f.severity, f.rule);
		Group &g = groups[key];
		if (g.first == nullptr) {
			g.first = &f;
			order.push_back(key);
		}
		g.count++;
		g.migrations.insert(f.migration.empty() ? f.file : f.migration);
	}
	bool summarized = false;
	for (const auto &key : order) {
		const Group &g = groups[key];
		if (g.count == 1) {
			out.Note(LintText(*g.first));
			continue;
		}
		summarized = true;
		std::string where = g.first->file + (g.first->line > 0 ? ":" + std::to_string(g.first->line) : "");
		std::size_t m = g.migrations.size();
		out.Note(key.first + ": " + key.second + ": " + std::to_string(g.count) + " findings" +
		         (key.first == "notice" ? " that did not block here (their tables were empty or new)" : "") + " in " +
		         std::to_string(m) + (m == 1 ? " migration" : " migrations") + ", the first at " + where);
	}
	if (summarized)
		out.Note("lint: " + std::to_string(findings.size()) +
		         " findings, one line per rule; -v lists each, pg_migrate lint FILE shows a file's");
}

void
ReportWarnings(const std::vector<LintFinding> &findings, Output &out)
{
	nlohmann::json &warnings = out.Doc()["warnings"];
	if (!warnings.is_array())
		warnings = nlohmann::json::array();
	for (const LintFinding &f : findings)
		warnings.push_back(LintJson(f));
	PrintLintSummary(findings, out);
}

void
ThrowLintRefusal(const SqlError &error, const std::vector<MigrationFile> &files, Output &out)
{
	std::vector<LintFinding> findings = ParseLintRefusal(error.detail, files);
	if (findings.empty())
		out.Error(SqlErrorText(error));
	for (const LintFinding &f : findings)
		out.Error(LintText(f));
	if (!findings.empty() && !error.hint.empty())
		out.Error("HINT: " + error.hint);
	nlohmann::json details = SqlErrorJson(error);
	details["findings"] = LintJson(findings);
	std::size_t n = findings.size();
	throw Failure(kExitValidation,
	              "apply() refused to run: " + (n > 0 ? std::to_string(n) + " " : std::string()) +
	                  (n == 1 ? "lint error" : "lint errors") + " not acknowledged (MG004)",
	              details);
}

LintNoticeCollector::LintNoticeCollector(Connection &conn, const std::vector<MigrationFile> &files, Output &out)
    : findings_(std::make_shared<std::vector<LintFinding>>()), out_(&out)
{
	std::shared_ptr<std::vector<LintFinding>> findings = findings_;
	const std::vector<MigrationFile> *known = &files;
	Output *sink = &out;
	if (!out.Doc()["warnings"].is_array())
		out.Doc()["warnings"] = nlohmann::json::array();
	conn.SetNoticeHandler([findings, known, sink](const Notice &notice) {
		if (notice.severity == "NOTICE") {
			std::vector<LintFinding> found = ParseLintNotice(notice.message, *known);
			if (!found.empty()) {
				nlohmann::json &warnings = sink->Doc()["warnings"];
				for (const LintFinding &f : found) {
					warnings.push_back(LintJson(f));
					sink->Verbose(LintText(f)); /* -v: each as it comes; else a summary at the end */
				}
				findings->insert(findings->end(), found.begin(), found.end());
				return;
			}
		}
		if (ShowScriptWarning(notice, *sink))
			return;
		/* the drift gate's warning (MG011) is for every deploy to show, not only -v */
		if (notice.sqlstate == "MG011") {
			sink->Note("warning: " + notice.message);
			sink->Doc()["drift_warning"] = notice.message;
			return;
		}
		sink->Verbose(notice.text);
	});
}

void
LintNoticeCollector::Finish()
{
	if (finished_)
		return;
	finished_ = true;
	if (!out_->IsVerbose())
		PrintLintSummary(*findings_, *out_);
}

LintNoticeCollector::~LintNoticeCollector()
{
	try {
		Finish();
	} catch (...) {
		/* a summary that cannot be printed must not end the command another way */
	}
}

} // namespace pgmigrate::client

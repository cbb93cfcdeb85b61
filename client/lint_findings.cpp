/* lint_findings.cpp — lint findings from migrate.lint(), apply()'s notices and MG004 (see lint_findings.hpp). */
#include "lint_findings.hpp"

#include "client_lint.hpp"

#include "finding_text.hpp"

#include "script.hpp"
#include "exit_codes.hpp"
#include "script_warnings.hpp"
#include "session.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pgmigrate::client {

namespace {

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
	/* "stream/version_name", compared in place: a deploy asks once per finding, over every file */
	for (const MigrationFile &f : files) {
		std::size_t v = f.stream.size() + 1, n = v + f.version.size() + 1;
		if (label.size() == n + f.name.size() && label.compare(0, f.stream.size(), f.stream) == 0 &&
		    label[f.stream.size()] == '/' && label.compare(v, f.version.size(), f.version) == 0 &&
		    label[n - 1] == '_' && label.compare(n, f.name.size(), f.name) == 0)
			return f.path;
	}
	return "";
}

std::vector<LintFinding>
ParseLintNotice(const std::string &message, const std::vector<MigrationFile> &files)
{
	std::vector<LintFinding> findings;
	std::optional<LintNotice> notice = pgmigrate::ParseLintNotice(message); /* finding_text.hpp, shared */
	if (!notice)
		return findings;
	for (const FindingLine &line : notice->findings) {
		LintFinding f = FromApply(notice->label, files, notice->not_blocking ? "notice" : "warning");
		f.blocks_here = false;
		f.rule = line.rule;
		f.statement = line.statement;
		f.line = line.line;
		f.message = line.message;
		findings.push_back(std::move(f));
	}
	return findings;
}

std::vector<LintFinding>
ParseLintRefusal(const std::string &detail, const std::vector<MigrationFile> &files)
{
	std::vector<LintFinding> findings;
	for (const RefusalBlock &block : ParseRefusal(detail)) { /* finding_text.hpp, shared */
		for (const FindingLine &line : block.findings) {
			LintFinding f = FromApply(block.label, files, "error");
			f.blocks_here = true;
			f.rule = line.rule;
			f.statement = line.statement;
			f.line = line.line;
			f.message = line.message;
			findings.push_back(std::move(f));
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
	if (conn.Managed()) {
		/* no migrate.lint() in the database: the engine the client hosts lints, with the same rules */
		for (const MigrationFile *file : files)
			for (const engine::EngineFinding &e : engine::LintWithClientEngine(conn, file->content)) {
				if (e.allowed)
					continue;
				findings.push_back({file->path, file->stream + "/" + file->version + "_" + file->name, e.statement,
				                    e.line, e.rule, e.severity, e.lock_mode, e.message, e.allowed, e.blocks_here});
			}
		return findings;
	}
	std::vector<std::string_view> scripts;
	for (const MigrationFile *file : files)
		scripts.push_back(file->content);
	/* l.*: allowed and blocks_here come with catalog 0.1.5, after the six columns every catalog has */
	static const std::string kSql = "SELECT f.n, l.* "
	                                "FROM unnest($1::text[]) WITH ORDINALITY AS f(script, n), "
	                                "LATERAL migrate.lint(f.script) WITH ORDINALITY AS l "
	                                "ORDER BY f.n, l.ordinality";
	/* binary, as the upload itself: megabytes of scripts are not escaped here and parsed back there */
	Result result = conn.ExecBinary(kSql, {TextArrayBinary(scripts)}, {true});
	int allowed_column = OptionalColumn(result, "allowed"), blocks_column = OptionalColumn(result, "blocks_here");
	std::vector<std::vector<std::string>> allowed(files.size());
	std::vector<bool> parsed(files.size(), false);
	for (int r = 0; r < result.Rows(); r++) {
		std::size_t i = static_cast<std::size_t>(std::stol(result.Get(r, 0)) - 1);
		if (i >= files.size())
			continue;
		/* the server says what is acknowledged (lint()'s allowed, catalog 0.1.5); older catalogs: the file does */
		if (allowed_column < 0 && !parsed[i]) {
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
		f.allowed = allowed_column >= 0 ? OptionalBool(result, r, allowed_column).value_or(false)
		                                : std::find(allowed[i].begin(), allowed[i].end(), f.rule) != allowed[i].end();
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

/*
 * output.hpp — where the client's words go.
 *
 * Text mode: results on stdout, notes and errors on stderr, -q silences all
 * but errors; a live status line (the runner's progress) is drawn on stderr
 * only when it is a terminal. JSON mode (--format json): stdout carries exactly one JSON
 * document, written at exit by Emit(); the document holds the results, so
 * result tables are not printed, and notes and errors go to stderr.
 *
 * The JSON document is one object:
 *   {
 *     "command":   "deploy",            the command that ran
 *     "ok":        true,                false when exit_code is not 0
 *     "exit_code": 0,
 *     ...command fields...
 *     "error": {                        only when ok is false
 *       "message": "...",
 *       "sqlstate", "detail", "hint", "context",   when the server reported the error
 *       "problems": [{"file", "line", "message"}]  bad migration files
 *     }
 *   }
 * Command fields:
 *   every command that reads the folders: "skipped_files": [{"file", "message"}] when a file is skipped as its
 *            tool skips it (a drizzle file meta/_journal.json does not list)
 *   push     "uploaded": [{"stream", "version", "name", "file", "outcome": "new"|"updated"|"unchanged"}];
 *            "warnings": [lint finding] of the uploaded files not acknowledged with -- migrate:allow
 *   deploy   "uploaded" as push; "applied": [{"stream", "version", "name", "outcome", "duration_ms"}]
 *            (outcome after waiting for the background runner; "queued" with --no-wait);
 *            "nothing_to_do": bool; "dry_run": bool; "backup": the --backup file written, else null;
 *            "failed": the failed migrate.history row plus "file" (only when a migration failed);
 *            "warnings": [lint finding] apply() reported; on MG004 "error" has "findings": [lint finding]
 *            several databases (--db twice, --targets): "targets": [{"database" (password masked), "ok",
 *            "exit_code", "outcome", "applied_count", "error", "result": that database's deploy fields}],
 *            "failed": number of databases not deployed
 *   adopt    "from", "table", "uploaded" as push; "adopted": [{"stream", "version", "name", "file",
 *            "recorded_as", "outcome"}]; "marked_applied"; "pending": [{"stream", "version", "name", "file"}];
 *            when refused "error" has "problems": [text]
 *   lint     "findings": [lint finding, with "allowed"]; "errors", "warnings", "allowed": counts;
 *            on exit 2 "error" has "problems": [{"file", "line", "message"}]
 *   drift    "drift": [migrate.drift() rows]; with --ack ID: "acknowledged": ID
 * A lint finding is {"file", "migration", "line", "statement", "rule", "severity", "lock_mode", "message",
 * "allowed"} (lint_findings.hpp).
 *   status   "db_version"; "problems": [migrate.validate() rows];
 *            "streams": [{"stream", "applied", "pending", "failed", "db_version", "problems",
 *                         "migrations": [migrate.status() rows]}]
 *   rollback "rolled_back": [migrate.rollback() rows]; "db_version" after it
 *   verify   "verify": [migrate.verify() rows]; "failed": count
 *   validate "problems": [migrate.validate() rows]
 *   resolve  "uploaded"; "stream", "version", "state", "previous_state", "changed"
 *   baseline "uploaded"; "stream", "version", "marked_applied"
 *   repair   "stream", "version", "file", "changed"
 *   version  "db_version", "extension_version", "library_version", "client_version", "server_version",
 *            "applied"; "checks": [{"component", "version", "compatible"}]
 *   reset    "rolled_back" as rollback, then deploy's fields
 *   history  "history": [migrate.history rows, newest first]
 *   new      "path", "stream", "version", "name"
 *   install  "extension_version"
 * Row fields keep the SQL column names; numbers and booleans are typed, NULL is null.
 */
#pragma once

#include "options.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace pgmigrate::client {

/* A table in psql's aligned format. */
struct Table {
	std::vector<std::string> headers;
	std::vector<bool> right_aligned; /* per column; numbers are right-aligned, as in psql */
	std::vector<std::vector<std::string>> rows;

	/* Header, rule, rows, "(N rows)", each line ending in '\n'. */
	std::string Render() const;
};

class Output {
public:
	explicit Output(const GlobalOptions &options);

	bool
	Json() const
	{
		return json_;
	}

	/* A command's result text: stdout in text mode; not shown in JSON mode (the document has it) or with -q. */
	void Print(const std::string &text) const;
	/* A remark for the human (e.g. "nothing to do"): stderr; silenced by -q. */
	void Note(const std::string &text) const;
	/* Detail asked for with -v: stderr. */
	void Verbose(const std::string &text) const;
	/* Whether -v asked for detail. */
	bool
	IsVerbose() const
	{
		return verbose_;
	}
	/* An error: stderr, always. */
	void Error(const std::string &text) const;

	/* True when a live status line can be drawn: stderr is a terminal, and not -q. */
	bool
	Live() const
	{
		return live_;
	}
	/*
	 * Draws text as the live status line, replacing the previous one (cut to
	 * the terminal's width); nothing unless Live(). Note, Verbose and Error
	 * clear it first, so their lines are not mixed into it.
	 */
	void Status(const std::string &text) const;
	/* Removes the live status line, if one is shown. */
	void ClearStatus() const;

	/* The JSON document being built; written by Emit. */
	nlohmann::json &
	Doc()
	{
		return doc_;
	}
	/*
	 * A value for Doc() that Emit replaces by fragment, JSON text written by
	 * hand (RowsJsonText): building nlohmann objects for 10 000 status rows
	 * costs several times the query itself.
	 */
	nlohmann::json Raw(std::string fragment);
	/* The same, the fragment written by writer when Emit reaches it (RowsJsonWriter). */
	nlohmann::json Raw(std::function<void(std::ostream &)> writer);

	/* Writes the JSON document to stdout (JSON mode only). */
	void Emit() const;

	/*
	 * From now on the lines Print, Note, Verbose and Error would write (after
	 * the same -q / -v / JSON filtering) are appended to *sink instead, and no
	 * live status line is drawn: one database's deploy among several running
	 * in parallel (deploy_many.cpp).
	 */
	void
	CaptureTo(std::string *sink)
	{
		capture_ = sink;
		live_ = false;
	}

private:
	/* WriteLine to stream, or to the capture sink */
	void Write(std::ostream &stream, const std::string &text) const;
	std::string *capture_ = nullptr;
	std::vector<std::function<void(std::ostream &)>> raw_;
	std::string raw_nonce_;
	bool json_;
	bool quiet_;
	bool verbose_;
	bool live_;
	mutable bool status_shown_ = false;
	nlohmann::json doc_ = nlohmann::json::object();
};

} // namespace pgmigrate::client

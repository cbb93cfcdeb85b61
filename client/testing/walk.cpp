/* walk.cpp — see walk.hpp. */
#include "walk.hpp"

#include "lifecycle.hpp"
#include "schema_description.hpp"
#include "session.hpp"

#include <memory>
#include <optional>

namespace pgmigrate::client::testing {

namespace {

/* "index public.users_email, table public.users" */
std::string
ObjectList(const std::vector<SchemaChange> &changes)
{
	std::string list;
	for (const SchemaChange &c : changes)
		list += (list.empty() ? "" : ", ") + c.kind + " " + c.object;
	return list;
}

/* The walk's database and its session; replaced by a fresh one at the same point after a failure. */
class Walker {
public:
	Walker(ScratchServer &server, PrefixCache &prefixes, const std::vector<MigrationFile> &files,
	       std::vector<LintFinding> *lint_notices)
	    : server_(server), prefixes_(prefixes), files_(files), lint_notices_(lint_notices)
	{}

	/* A database at prefix n; false (reported) when it cannot be built. */
	bool
	StartAt(std::size_t n)
	{
		conn_.reset();
		db_ = prefixes_.NewDatabaseAt(n, "walk");
		conn_.emplace(server_.Open(db_));
		/* apply() reports lint warnings as notices (database-aware ones too): collected for the lint check */
		std::vector<LintFinding> *sink = lint_notices_;
		const std::vector<MigrationFile> *files = &files_;
		conn_->SetNoticeHandler([sink, files](const Notice &notice) {
			for (LintFinding &f : ParseLintNotice(notice.message, *files))
				sink->push_back(std::move(f));
		});
		return true;
	}
	Connection &
	Conn()
	{
		return *conn_;
	}
	/* The current database failed a check: kept with --keep, else dropped now. Returns its name if kept. */
	std::string
	Abandon()
	{
		conn_.reset();
		server_.MarkFailing(db_);
		bool kept = false;
		for (const std::string &k : server_.Kept())
			kept = kept || k == db_;
		if (!kept)
			server_.Drop(db_);
		return kept ? db_ : "";
	}
	void
	Finish()
	{
		conn_.reset();
		server_.Drop(db_);
	}

private:
	ScratchServer &server_;
	PrefixCache &prefixes_;
	const std::vector<MigrationFile> &files_;
	std::vector<LintFinding> *lint_notices_;
	std::optional<Connection> conn_;
	std::string db_;
};

Outcome
Failed(const char *kind, const PlannedMigration &m, const std::string &message, const std::string &details = "")
{
	return {kind, m.Label(), m.file ? m.file->path : "", Status::kFailed, message, details, ""};
}

/* The down of m, then the up again; empty when both left the schema as they should. */
std::optional<Outcome>
RoundTrip(Connection &conn, const std::vector<PlannedMigration> &plan, std::size_t i, const Description &before,
          const Description &after)
{
	const PlannedMigration &m = plan[i];
	try {
		/* the statement rollback sends: the extension's function, or in managed mode the client's engine */
		CallExtension(conn,
		              "SELECT stream, version, name, outcome, duration_ms FROM migrate.rollback(stream => $1, "
		              "to_version => $2, steps => $3::integer, to_db_version => $4, all_applied => $5::boolean)",
		              {m.stream, std::nullopt, std::string("1"), std::nullopt, std::string("f")});
	} catch (const SqlError &e) {
		if (e.sqlstate == "MG003") /* the server does not roll back no-transaction migrations */
			return Outcome{"roundtrip", m.Label(), m.file ? m.file->path : "", Status::kSkipped, e.what(), "", ""};
		return Failed("roundtrip", m, "its down section fails", SqlErrorText(e));
	}
	std::vector<SchemaChange> left = CompareDescriptions(before, RecordedDescription(conn));
	if (!left.empty())
		return Failed("roundtrip", m,
		              "after its down section the schema differs from before its up: " + ObjectList(left),
		              ChangesText(left, "before up", "after down"));
	try {
		ApplyRange(conn, plan, i, i + 1);
	} catch (const StepFailed &f) {
		return Failed("roundtrip", m, "it does not apply again after its down section", f.PsqlText());
	}
	std::vector<SchemaChange> again = CompareDescriptions(after, RecordedDescription(conn));
	if (!again.empty())
		return Failed("roundtrip", m,
		              "applied again after its down section, the schema differs from its first apply: " +
		                  ObjectList(again),
		              ChangesText(again, "first up", "second up"));
	return std::nullopt;
}

/* A no-transaction migration run a second time over what it did (as a resumed step would be). */
std::optional<Outcome>
Rerun(Connection &conn, const std::vector<PlannedMigration> &plan, std::size_t i, const Description &after)
{
	const PlannedMigration &m = plan[i];
	CallExtension(conn, "SELECT migrate.resolve($1, $2, $3)", {m.stream, m.version, std::string("rolled_back")});
	try {
		ApplyRange(conn, plan, i, i + 1);
	} catch (const StepFailed &f) {
		return Failed("rerun", m,
		              "running its statements a second time fails, so a resumed step is not safe "
		              "(IF NOT EXISTS / IF EXISTS make them idempotent)",
		              f.PsqlText());
	}
	std::vector<SchemaChange> changed = CompareDescriptions(after, RecordedDescription(conn));
	if (!changed.empty())
		return Failed("rerun", m, "run a second time, it leaves another schema: " + ObjectList(changed),
		              ChangesText(changed, "first run", "second run"));
	return std::nullopt;
}

} // namespace

void
Walk(ScratchServer &server, PrefixCache &prefixes, const std::vector<PlannedMigration> &plan,
     const std::vector<MigrationFile> &files, const WalkOptions &options, Report &report,
     std::vector<LintFinding> *lint_notices)
{
	Walker walker(server, prefixes, files, lint_notices);
	walker.StartAt(0);
	Description before = Describe(walker.Conn());
	for (std::size_t i = 0; i < plan.size(); i++) {
		const PlannedMigration &m = plan[i];
		std::string file = m.file ? m.file->path : "";
		try {
			ApplyRange(walker.Conn(), plan, i, i + 1);
		} catch (const StepFailed &f) {
			Outcome o = Failed(f.InVerify() ? "verify" : "apply", m,
			                   f.InVerify() ? "its verify section fails right after its up"
			                                : "it does not apply on the migrations before it",
			                   f.PsqlText() + (f.context.empty() ? "" : "CONTEXT:  " + f.context + "\n"));
			o.database = walker.Abandon();
			report.Add(o);
			if (i + 1 < plan.size())
				report.Add({"apply", std::to_string(plan.size() - i - 1) + " later migrations", "", Status::kSkipped,
				            "not checked: the history stops at " + m.Label(), "", ""});
			return;
		}
		if (m.has_verify)
			report.Add({"verify", m.Label(), file, Status::kPassed, "", "", ""});
		Description after = RecordedDescription(walker.Conn());

		std::optional<Outcome> failure;
		if (options.roundtrip && !m.has_down)
			report.Add({"roundtrip", m.Label(), file, Status::kSkipped, "no down section", "", ""});
		else if (options.roundtrip) {
			failure = RoundTrip(walker.Conn(), plan, i, before, after);
			if (!failure)
				report.Add({"roundtrip", m.Label(), file, Status::kPassed, "", "", ""});
			else if (failure->status == Status::kSkipped) {
				report.Add(*failure);
				failure.reset();
			}
		}
		if (!failure && !m.transactional) {
			failure = Rerun(walker.Conn(), plan, i, after);
			if (!failure)
				report.Add({"rerun", m.Label(), file, Status::kPassed, "no-transaction, safe to run twice", "", ""});
		}
		if (failure) {
			failure->database = walker.Abandon();
			report.Add(*failure);
			/* go on from a clean copy of this point */
			try {
				walker.StartAt(i + 1);
			} catch (const StepFailed &f) {
				report.Add(Failed("apply", m, "cannot rebuild the history up to it", f.PsqlText()));
				return;
			}
		}
		before = std::move(after);
	}
	walker.Finish();
}

} // namespace pgmigrate::client::testing

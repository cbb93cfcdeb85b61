/* history_plan.cpp — see history_plan.hpp. */
#include "history_plan.hpp"

#include "checksum.hpp"
#include "managed_calls.hpp"
#include "options.hpp"
#include "output.hpp"
#include "script.hpp"
#include "wait.hpp"

#include <map>
#include <optional>

namespace pgmigrate::client::testing {

std::string
PlannedMigration::Label() const
{
	return stream + " " + version + "_" + name;
}

std::string
PlannedMigration::Where() const
{
	return file != nullptr ? file->path : Label();
}

std::string
StepFailed::PsqlText() const
{
	std::string text = std::string("ERROR:  ") + what() + "\n";
	if (!detail.empty())
		text += "DETAIL:  " + detail + "\n";
	if (!hint.empty())
		text += "HINT:  " + hint + "\n";
	return text;
}

namespace {

bool
SameVersion(const std::string &a, const std::string &b)
{
	try {
		return CompareVersions(a, b) == 0;
	} catch (const ScriptError &) {
		return a == b;
	}
}

/* The failure the runner recorded for stream/version. */
[[noreturn]] void
ThrowRecordedFailure(Connection &conn, const PlannedMigration &m, const std::string &state)
{
	Result r = conn.Exec("SELECT message, sqlstate, detail, context FROM migrate.history WHERE stream = $1 AND "
	                     "version = $2 AND status = 'failed' ORDER BY id DESC LIMIT 1",
	                     {m.stream, m.version});
	StepFailed failed(r.Rows() > 0 ? r.Get(0, 0) : "the background runner left it " + state);
	failed.stream = m.stream;
	failed.version = m.version;
	failed.name = m.name;
	if (r.Rows() > 0) {
		failed.sqlstate = r.Get(0, 1);
		failed.detail = r.Get(0, 2);
		failed.context = r.Get(0, 3);
	}
	throw failed;
}

/*
 * apply(stream => S, target => V) as the server runs it: with the extension
 * the SQL function; in managed mode the same engine call deploy's managed
 * branch makes (apply_exact without a list of files vouched for, so every
 * pending migration is planned and checked for its author as apply() does),
 * raising the migration's error instead of recording it. The client works
 * the runner's queue before it returns.
 */
Result
ApplyStream(Connection &conn, const std::string &stream, const std::string &target)
{
	if (!conn.Managed())
		return conn.Exec("SELECT stream, version, name, outcome FROM migrate.apply(stream => $1, target => $2)",
		                 {stream, target});
	engine::ManagedApply request;
	request.include_unlisted = true;
	request.streams = std::vector<std::string>{stream};
	request.target = target;
	request.on_error = "raise";
	return engine::ManagedApplyExact(conn, request);
}

/* Managed mode: the first of plan[from, to) that the client's run of the queue left failed or interrupted. */
std::optional<std::pair<std::size_t, std::string>>
StoppedStep(Connection &conn, const std::vector<PlannedMigration> &plan, std::size_t from, std::size_t to)
{
	Result status = ReadStatus(conn);
	for (int r = 0; r < status.Rows(); r++) {
		std::string s = status.Get(r, kStatusState);
		if (s != "failed" && s != "interrupted")
			continue;
		for (std::size_t i = from; i < to; i++)
			if (plan[i].stream == status.Get(r, kStatusStream) &&
			    SameVersion(plan[i].version, status.Get(r, kStatusVersion)))
				return std::make_pair(i, s);
	}
	return std::nullopt;
}

} // namespace

Result
ReadStatus(Connection &conn)
{
	return conn.Managed() ? engine::ManagedStatus(conn) : conn.Exec("SELECT * FROM migrate.status()");
}

std::vector<PlannedMigration>
ReadPlan(Connection &conn, const std::vector<MigrationFile> &files)
{
	std::map<std::pair<std::string, std::string>, bool> verify;
	Result flags = conn.Exec("SELECT stream, version, verify_sql IS NOT NULL FROM migrate.migrations");
	for (int r = 0; r < flags.Rows(); r++)
		verify[{flags.Get(r, 0), flags.Get(r, 1)}] = flags.Get(r, 2) == "t";
	Result status = ReadStatus(conn);
	std::vector<PlannedMigration> plan;
	for (int r = 0; r < status.Rows(); r++) {
		PlannedMigration m;
		m.stream = status.Get(r, kStatusStream);
		m.version = status.Get(r, kStatusVersion);
		m.name = status.Get(r, kStatusName);
		m.transactional = status.Get(r, kStatusTransactional) == "t";
		m.has_down = status.Get(r, kStatusHasDown) == "t";
		m.has_verify = verify[{m.stream, m.version}];
		for (const MigrationFile &f : files)
			if (f.stream == m.stream && SameVersion(f.version, m.version))
				m.file = &f;
		plan.push_back(m);
	}
	return plan;
}

std::size_t
PrefixEnd(const std::vector<PlannedMigration> &plan, const std::string &stream_version)
{
	std::size_t colon = stream_version.find(':');
	std::string stream = colon == std::string::npos ? "schema" : stream_version.substr(0, colon);
	std::string version = colon == std::string::npos ? stream_version : stream_version.substr(colon + 1);
	for (std::size_t i = 0; i < plan.size(); i++)
		if (plan[i].stream == stream && SameVersion(plan[i].version, version))
			return i + 1;
	throw std::runtime_error("no migration " + stream + ":" + version + " in the folders");
}

std::string
PrefixKey(const std::vector<PlannedMigration> &plan, std::size_t n)
{
	std::string chain;
	for (std::size_t i = 0; i < n && i < plan.size(); i++)
		chain += plan[i].stream + ":" + plan[i].version + ":" + (plan[i].file ? plan[i].file->checksum : "") + "\n";
	return Sha256Hex(chain);
}

std::vector<AppliedRow>
ApplyRange(Connection &conn, const std::vector<PlannedMigration> &plan, std::size_t from, std::size_t to)
{
	std::vector<AppliedRow> rows;
	std::vector<MigrationKey> queued;
	for (std::size_t start = from; start < to;) {
		/* the stream's part of the range: apply(stream, target) plans exactly it */
		std::size_t end = start;
		while (end < to && plan[end].stream == plan[start].stream)
			end++;
		const PlannedMigration &last = plan[end - 1];
		try {
			Result r = ApplyStream(conn, last.stream, last.version);
			for (int i = 0; i < r.Rows(); i++) {
				rows.push_back({r.Get(i, 0), r.Get(i, 1), r.Get(i, 2), r.Get(i, 3)});
				if (r.Get(i, 3) == "queued")
					queued.emplace_back(r.Get(i, 0), r.Get(i, 1));
			}
		} catch (const SqlError &e) {
			/* managed: the batch committed and the client's run of the queue stopped; the runner recorded why */
			if (conn.Managed() && !conn.Lost())
				if (auto stopped = StoppedStep(conn, plan, start, end))
					ThrowRecordedFailure(conn, plan[stopped->first], stopped->second);
			StepFailed failed(e.what());
			failed.sqlstate = e.sqlstate;
			failed.detail = e.detail;
			failed.hint = e.hint;
			failed.context = e.context;
			/* the context names the migration: "migration STREAM/VERSION_NAME, up section, ..." */
			for (std::size_t i = start; i < end; i++)
				if (e.context.find(plan[i].stream + "/" + plan[i].version) != std::string::npos) {
					failed.stream = plan[i].stream;
					failed.version = plan[i].version;
					failed.name = plan[i].name;
				}
			throw failed;
		}
		if (!queued.empty()) {
			/* the runner works after this session's commit; wait as deploy does, quietly */
			GlobalOptions quiet_options;
			quiet_options.quiet = true;
			Output quiet(quiet_options);
			std::map<MigrationKey, FinalState> final_states = WaitForRunner(conn, queued, quiet);
			for (AppliedRow &row : rows) {
				auto it = final_states.find({row.stream, row.version});
				if (it == final_states.end())
					continue;
				row.outcome = it->second.state;
				if (row.outcome != "applied") {
					for (std::size_t i = start; i < end; i++)
						if (plan[i].stream == row.stream && SameVersion(plan[i].version, row.version))
							ThrowRecordedFailure(conn, plan[i], row.outcome);
				}
			}
			queued.clear();
		}
		start = end;
	}
	return rows;
}

} // namespace pgmigrate::client::testing

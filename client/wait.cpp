/* wait.cpp — polling migrate.status() until the runner is done with our migrations (see wait.hpp). */
#include "wait.hpp"

#include "managed_calls.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <thread>

namespace pgmigrate::client {

namespace {

/* Quick at first, so a short step does not feel slow; then slower, so an hour-long index build costs nothing. */
constexpr auto kFirstPoll = std::chrono::milliseconds(50);
constexpr auto kSlowestPoll = std::chrono::milliseconds(1000);
/* how long "interrupted" must last before the wait believes it */
constexpr auto kInterruptedConfirm = std::chrono::milliseconds(1500);

/* a step running this long gets a "running" line in a log */
constexpr auto kLongStep = std::chrono::seconds(2);

/* " (12.345 ms)", or "" when unknown */
std::string
DurationText(const std::optional<double> &ms)
{
	if (!ms)
		return "";
	char buffer[64];
	std::snprintf(buffer, sizeof buffer, " (%.3f ms)", *ms);
	return buffer;
}

} // namespace

std::map<MigrationKey, FinalState>
WaitForRunner(Connection &conn, const std::vector<MigrationKey> &queued, Output &out)
{
	std::map<MigrationKey, FinalState> done;
	std::set<MigrationKey> waiting(queued.begin(), queued.end());
	/* not on a terminal: when each step was first seen running, and which were reported as long */
	std::map<MigrationKey, std::chrono::steady_clock::time_point> running_since;
	std::set<MigrationKey> reported_long;
	auto wait_start = std::chrono::steady_clock::now();
	/* when each was first seen "interrupted" in an unbroken run of polls */
	std::map<MigrationKey, std::chrono::steady_clock::time_point> interrupted_since;
	auto interval = kFirstPoll;
	while (!waiting.empty()) {
		Result result =
		    conn.Managed()
		        ? engine::ManagedStatus(conn)
		        : conn.Exec("SELECT stream, version, name, state, progress, duration_ms FROM migrate.status()");
		/* by name: managed mode reads every status() column, the extension's call these */
		const int state_at = result.Column("state"), progress_at = result.Column("progress"),
		          duration_at = result.Column("duration_ms");
		std::set<MigrationKey> listed;
		std::string live; /* the status line: what runs now, with its progress */
		/* A failed or interrupted step holds up every job queued after it: with nothing running, none will run. */
		bool any_running = false, any_stopped = false;
		for (int r = 0; r < result.Rows(); r++) {
			std::string state = result.Get(r, state_at);
			any_running = any_running || state == "running";
			any_stopped =
			    any_stopped || (state == "failed" && waiting.count({result.Get(r, 0), result.Get(r, 1)}) > 0) ||
			    (state == "interrupted" && interrupted_since.count({result.Get(r, 0), result.Get(r, 1)}) > 0 &&
			     std::chrono::steady_clock::now() - interrupted_since[{result.Get(r, 0), result.Get(r, 1)}] >=
			         kInterruptedConfirm);
		}
		for (int r = 0; r < result.Rows(); r++) {
			MigrationKey key{result.Get(r, 0), result.Get(r, 1)};
			if (waiting.count(key) == 0)
				continue;
			listed.insert(key);
			std::string state = result.Get(r, state_at), progress = result.Get(r, progress_at);
			if (state == "interrupted") {
				/*
				 * status() can say "interrupted" for a moment while the runner
				 * finishes a step (it reads the runner's lock after taking its
				 * snapshot); a real interruption lasts, so believe it only after
				 * a while.
				 */
				auto now = std::chrono::steady_clock::now();
				auto first = interrupted_since.emplace(key, now).first->second;
				if (now - first < kInterruptedConfirm) {
					interval = kFirstPoll;
					continue;
				}
			} else {
				interrupted_since.erase(key);
			}
			std::string what = key.first + " " + key.second + " " + result.Get(r, 2);
			if (state == "queued" || state == "running") {
				if (state == "running" && live.empty())
					live = what + " running" + (progress.empty() ? "" : ": " + progress);
				/* a log learns what a long step is busy with: once, when it has run a while */
				auto now = std::chrono::steady_clock::now();
				if (state == "running" && !out.Live() &&
				    now - running_since.emplace(key, now).first->second >= kLongStep &&
				    reported_long.insert(key).second)
					out.Note("runner: " + what + " running" + (progress.empty() ? "" : ": " + progress));
				continue;
			}
			FinalState final_state{state, std::nullopt};
			if (!result.IsNull(r, duration_at))
				final_state.duration_ms = std::strtod(result.Get(r, duration_at).c_str(), nullptr);
			done[key] = final_state;
			waiting.erase(key);
			/* a log (not a terminal) gets one line per finished step */
			if (!out.Live())
				out.Note("runner: " + what + " " + state + DurationText(final_state.duration_ms));
		}
		if (any_stopped && !any_running) {
			for (const MigrationKey &key : waiting)
				if (done.count(key) == 0) {
					done[key] = FinalState{"blocked", std::nullopt};
					if (!out.Live())
						out.Note("runner: " + key.first + " " + key.second +
						         " blocked (not run: a step before it stopped)");
				}
			waiting.clear();
		}
		/* a migration that vanished from status() (resolved or deleted meanwhile) is not waited for */
		for (auto it = waiting.begin(); it != waiting.end();) {
			if (listed.count(*it) > 0 || done.count(*it) > 0) {
				++it;
				continue;
			}
			done[*it] = FinalState{"missing", std::nullopt};
			it = waiting.erase(it);
		}
		if (!waiting.empty()) {
			if (out.Live()) {
				auto seconds =
				    std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - wait_start)
				        .count();
				out.Status("runner [" + std::to_string(seconds) + "s, " + std::to_string(done.size()) + "/" +
				           std::to_string(queued.size()) + " done] " + (live.empty() ? "queued" : live));
			}
			std::this_thread::sleep_for(interval);
			interval = std::min(kSlowestPoll, interval * 3 / 2);
		}
	}
	out.ClearStatus();
	return done;
}

} // namespace pgmigrate::client

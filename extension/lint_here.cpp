/* lint_here.cpp — lint findings judged against the database they run on (see lint_here.hpp). */
#include "lint_here.hpp"

#include "guard.hpp"
#include "lint_targets.hpp"
#include "pg_api.hpp"

#include <algorithm>

extern "C" {
#include "storage/lockdefs.h"
}

namespace pgmigrate {

namespace {

/* The worse of two: rows (or not knowing) outweigh everything. */
Seen
Worse(Seen a, Seen b)
{
	auto rank = [](Seen s) {
		switch (s) {
		case Seen::kRows:
		case Seen::kNotAllowed:
			return 3;
		case Seen::kBusy:
			return 2;
		default:
			return 0;
		}
	};
	return rank(b) > rank(a) ? b : a;
}

/*
 * What each target of finding holds; inside pg::Call. seen has one entry per
 * target: the worst of the table, its partitions or children and (cascade)
 * the tables referencing them; kAbsent/kNew/kEmpty describe the table itself.
 */
void
SeeTargets(const Finding &finding, bool peek, std::vector<Seen> *seen)
{
	int mode = finding.lock > 0 ? finding.lock : AccessShareLock;
	std::vector<Oid> all; /* every relation looked at, for the cascade */
	auto remember = [&all](Oid relid) {
		if (std::find(all.begin(), all.end(), relid) == all.end())
			all.push_back(relid);
	};
	for (std::size_t i = 0; i < finding.targets.size(); i++) {
		const RelationName &t = finding.targets[i];
		Oid relid = ResolveTarget(t.schema, t.name);
		if (!OidIsValid(relid)) {
			(*seen)[i] = Seen::kAbsent;
			continue;
		}
		Seen state = LockAndLook(relid, peek, mode);
		(*seen)[i] = state;
		if (state == Seen::kAbsent || state == Seen::kBusy || state == Seen::kNotAllowed)
			continue;
		remember(relid);
		/* partitions and inheritance children: DROP, ALTER, DELETE and UPDATE reach them too */
		for (Oid child : ChildrenOf(relid, peek, mode)) {
			remember(child);
			Seen child_state = peek ? LockAndLook(child, true, mode) : LookAt(child);
			(*seen)[i] = Worse((*seen)[i], child_state);
		}
	}
	if (!finding.cascade)
		return;
	/* TRUNCATE ... CASCADE empties the tables that reference these, and those that reference them */
	Seen cascaded = Seen::kEmpty;
	for (std::vector<Oid> next = ReferencingTables(all); !next.empty(); next = ReferencingTables(all)) {
		for (Oid relid : next) {
			remember(relid);
			cascaded = Worse(cascaded, LockAndLook(relid, peek, AccessExclusiveLock));
		}
	}
	for (Seen &s : *seen)
		s = Worse(s, cascaded);
}

HereState
Judge(const Finding &finding, bool peek)
{
	std::vector<Seen> seen(finding.targets.size(), Seen::kRows);
	pg::Call([&] { SeeTargets(finding, peek, &seen); });
	HereState state;
	state.kind = HereState::kNoRows;
	for (std::size_t i = 0; i < seen.size(); i++) {
		const std::string &name = finding.targets[i].name;
		switch (seen[i]) {
		case Seen::kRows:
		case Seen::kNotAllowed:
			state.kind = HereState::kRows;
			break;
		case Seen::kBusy:
			if (state.kind != HereState::kRows)
				state.kind = HereState::kUnknown;
			break;
		case Seen::kAbsent:
			state.reason += (state.reason.empty() ? "" : "; ") + name + " does not exist";
			break;
		case Seen::kNew:
			state.reason += (state.reason.empty() ? "" : "; ") + name + " was created in this transaction";
			break;
		case Seen::kEmpty:
			state.reason += (state.reason.empty() ? "" : "; ") + name + " is empty";
			break;
		}
	}
	if (seen.empty())
		state.kind = HereState::kRows;
	return state;
}

/* MG004 for findings of m, as apply() refuses a plan: raised as a PostgreSQL error (a PgException). */
[[noreturn]] void
RaiseLintError(const std::string &detail)
{
	static const char *const kHint = "Make the change safely as each finding says, or acknowledge a finding with -- "
	                                 "migrate:allow RULE in the migration.";
	pg::Call([&] {
		ereport(ERROR, (errcode(MG_LINT_ERROR), errmsg("lint errors not acknowledged"),
		                errdetail_internal("%s", detail.c_str()), errhint("%s", kHint)));
	});
	pg_unreachable();
}

/* The finding, its message saying why it does not block here. */
Finding
NotBlocking(const Finding &f, const std::string &reason)
{
	Finding out = f;
	out.message += " [not blocking here: " + (reason.empty() ? std::string("no rows") : reason) + "]";
	return out;
}

} // namespace

HereState
PeekTargets(const Finding &finding)
{
	return Judge(finding, true);
}

void
LintPlan(std::vector<Migration> &plan)
{
	std::string refused;
	std::set<std::string> replaced; /* names the batch's earlier statements created, dropped, renamed to, emptied */
	pg::ScratchMemory parse_memory; /* each migration's parse trees are gone once it is linted */
	for (Migration &m : plan) {
		SectionOrigin origin{DescribeMigration(m.Label(), m.source), "up", m.up_line};
		LintScope scope;
		scope.transactional = m.transactional;
		scope.replaced = &replaced;
		std::vector<Finding> errors, warnings;
		m.lint_at_run.clear();
		std::vector<Finding> found =
		    parse_memory.Run([&] { return LintSection(m.up_sql, origin, scope, &m.up_statements); });
		m.up_split = true;
		for (Finding &f : found) {
			bool allowed = f.suppressed || std::find(m.allow.begin(), m.allow.end(), f.rule) != m.allow.end();
			if (allowed)
				continue;
			if (f.severity != "error") {
				warnings.push_back(f);
				continue;
			}
			/* rows here now, in a table nothing before it in the batch may have emptied: refused as it stands */
			if (DependsOnData(f) && (f.replaced_before || PeekTargets(f).kind != HereState::kRows)) {
				m.lint_at_run.push_back(f);
				continue;
			}
			errors.push_back(f);
		}
		if (!errors.empty())
			refused += (refused.empty() ? "" : "\n") + FormatRefusalBlock(m.Label(), FindingLines(errors));
		if (!warnings.empty()) {
			m.lint_warnings = FormatLintHistory(FindingLines(warnings), false);
			pg::Notice(FormatLintNotice(m.Label(), m.lint_warnings));
		}
	}
	if (!refused.empty())
		throw MigrateError(
		    MG_LINT_ERROR, "lint errors not acknowledged", refused,
		    "Make the change safely as each finding says, or acknowledge a finding with -- migrate:allow "
		    "RULE in the migration.");
}

void
LintGate::Before(const Statement &st)
{
	std::vector<Finding> blocking, passing;
	for (std::size_t k = 0; k < m_.lint_at_run.size(); k++) {
		const Finding &f = m_.lint_at_run[k];
		if (f.statement != st.number || decided_.count(k) > 0)
			continue;
		HereState here = Judge(f, false);
		if (here.kind == HereState::kNoRows) {
			passing.push_back(NotBlocking(f, here.reason));
			decided_.insert(k);
		} else {
			blocking.push_back(f);
		}
	}
	if (!passing.empty()) {
		pg::Notice(FormatLintNotice(m_.Label(), FormatLintHistory(FindingLines(passing), true)));
		passed_.insert(passed_.end(), passing.begin(), passing.end());
	}
	if (!blocking.empty())
		RaiseLintError(FormatRefusalBlock(m_.Label(), FindingLines(blocking)));
}

std::string
LintGate::Passed() const
{
	return passed_.empty() ? std::string() : FormatLintHistory(FindingLines(passed_), true);
}

void
CheckQueuedLint(const Migration &m)
{
	std::vector<Finding> blocking, passing;
	for (const Finding &f : m.lint_at_run) {
		HereState here =
		    f.replaced_before ? HereState{HereState::kNoRows, "replaced earlier in this batch"} : PeekTargets(f);
		/* the runner runs it after the caller commits: a table locked now is judged as holding rows */
		if (here.kind == HereState::kNoRows)
			passing.push_back(NotBlocking(f, here.reason));
		else
			blocking.push_back(f);
	}
	if (!passing.empty())
		pg::Notice(FormatLintNotice(m.Label(), FormatLintHistory(FindingLines(passing), true)));
	if (!blocking.empty())
		throw MigrateError(MG_LINT_ERROR, "lint errors not acknowledged",
		                   FormatRefusalBlock(m.Label(), FindingLines(blocking)),
		                   "Make the change safely as each finding says, or acknowledge a finding with -- "
		                   "migrate:allow RULE in the migration.");
}

std::string
LintMessage(const Migration &m, const LintGate &gate)
{
	std::string passed = gate.Passed();
	if (passed.empty())
		return m.lint_warnings;
	return m.lint_warnings.empty() ? passed : m.lint_warnings + "\n" + passed;
}

} // namespace pgmigrate

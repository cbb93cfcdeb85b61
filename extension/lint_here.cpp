/* lint_here.cpp — lint findings judged against the database they run on (see lint_here.hpp). */
#include "lint_here.hpp"

#include "guard.hpp"
#include "pg_api.hpp"

#include <algorithm>

extern "C" {
#include "access/relation.h"
#include "catalog/heap.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

namespace pgmigrate {

namespace {

/* What one table (with its partitions or children) holds. */
enum class Seen { kAbsent, kNew, kEmpty, kRows, kBusy, kNotAllowed };

/* The privileges LOCK TABLE asks for a lock in mode (lockcmds.c, LockTableAclCheck). */
AclMode
LockPrivileges(LOCKMODE mode)
{
	AclMode mask = ACL_UPDATE | ACL_DELETE | ACL_TRUNCATE;
#ifdef ACL_MAINTAIN
	mask |= ACL_MAINTAIN;
#endif
	if (mode <= AccessShareLock)
		mask |= ACL_SELECT;
	if (mode <= RowExclusiveLock)
		mask |= ACL_INSERT;
	return mask;
}

/* What relid holds; it is locked by this backend. Call inside pg::Call. */
Seen
LookAt(Oid relid)
{
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		return Seen::kAbsent;
	Relation rel = relation_open(relid, NoLock);
	Seen seen;
	char kind = rel->rd_rel->relkind;
	if (rel->rd_createSubid != InvalidSubTransactionId)
		seen = Seen::kNew; /* whatever it holds, this transaction put there */
	else if (RELKIND_HAS_STORAGE(kind))
		seen = RelationGetNumberOfBlocks(rel) > 0 ? Seen::kRows : Seen::kEmpty;
	else if (kind == RELKIND_PARTITIONED_TABLE)
		seen = Seen::kEmpty; /* its partitions decide */
	else
		seen = Seen::kRows; /* a foreign table, a view: what stands behind it is not known here */
	relation_close(rel, NoLock);
	return seen;
}

/*
 * Locks relid as the mode says (peek: ACCESS SHARE if free now, released by
 * the caller after LookAt; else the statement's lock, kept), then looks.
 */
Seen
LockAndLook(Oid relid, bool peek, LOCKMODE mode)
{
	if (peek) {
		if (!ConditionalLockRelationOid(relid, AccessShareLock))
			return Seen::kBusy;
		Seen seen = LookAt(relid);
		UnlockRelationOid(relid, AccessShareLock);
		return seen;
	}
	bool missing = false;
	if (pg_class_aclcheck_ext(relid, GetUserId(), LockPrivileges(mode), &missing) != ACLCHECK_OK)
		return missing ? Seen::kAbsent : Seen::kNotAllowed;
	LockRelationOid(relid, mode);
	return LookAt(relid);
}

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
	LOCKMODE mode = finding.lock > 0 ? static_cast<LOCKMODE>(finding.lock) : AccessShareLock;
	List *all = NIL; /* every relation looked at, for the cascade */
	for (std::size_t i = 0; i < finding.targets.size(); i++) {
		const RelationName &t = finding.targets[i];
		RangeVar *rv =
		    makeRangeVar(t.schema.empty() ? nullptr : pstrdup(t.schema.c_str()), pstrdup(t.name.c_str()), -1);
		Oid relid = RangeVarGetRelid(rv, NoLock, true);
		if (!OidIsValid(relid)) {
			(*seen)[i] = Seen::kAbsent;
			continue;
		}
		char kind = get_rel_relkind(relid);
		if (kind == RELKIND_INDEX || kind == RELKIND_PARTITIONED_INDEX) {
			Oid heap = IndexGetRelation(relid, true);
			if (!OidIsValid(heap)) {
				(*seen)[i] = Seen::kAbsent;
				continue;
			}
			relid = heap;
		}
		Seen state = LockAndLook(relid, peek, mode);
		(*seen)[i] = state;
		if (state == Seen::kAbsent || state == Seen::kBusy || state == Seen::kNotAllowed)
			continue;
		all = list_append_unique_oid(all, relid);
		/* partitions and inheritance children: DROP, ALTER, DELETE and UPDATE reach them too */
		List *children = find_all_inheritors(relid, peek ? NoLock : mode, nullptr);
		ListCell *lc;
		foreach (lc, children) {
			Oid child = lfirst_oid(lc);
			if (child == relid)
				continue;
			all = list_append_unique_oid(all, child);
			Seen child_state = peek ? LockAndLook(child, true, mode) : LookAt(child);
			(*seen)[i] = Worse((*seen)[i], child_state);
		}
	}
	if (!finding.cascade)
		return;
	/* TRUNCATE ... CASCADE empties the tables that reference these, and those that reference them */
	Seen cascaded = Seen::kEmpty;
	for (List *next = heap_truncate_find_FKs(all); next != NIL; next = heap_truncate_find_FKs(all)) {
		ListCell *lc;
		foreach (lc, next) {
			Oid relid = lfirst_oid(lc);
			all = list_append_unique_oid(all, relid);
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

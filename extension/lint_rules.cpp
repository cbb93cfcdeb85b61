/* lint_rules.cpp — see lint_rules.hpp. */
#include "lint_rules.hpp"

#include <map>

#include "cpp_only.hpp" /* last: pure C++ */

namespace pgmigrate {

namespace {

const std::vector<LintRule> kRules = {
    {"drop-table", RuleKind::kDataLoss, true},
    {"drop-column", RuleKind::kDataLoss, true},
    {"drop-database", RuleKind::kDataLoss, false},
    {"drop-not-null", RuleKind::kAdvice, false},
    {"column-type-change", RuleKind::kLocking, false},
    {"rename-column", RuleKind::kAdvice, false},
    {"rename-table", RuleKind::kAdvice, false},
    {"set-not-null", RuleKind::kLocking, true},
    {"add-not-null-without-default", RuleKind::kDataLoss, true},
    {"volatile-default", RuleKind::kLocking, false},
    {"stored-generated-column", RuleKind::kLocking, false},
    {"index-not-concurrent", RuleKind::kLocking, false},
    {"drop-index-not-concurrent", RuleKind::kLocking, false},
    {"reindex-not-concurrent", RuleKind::kLocking, false},
    {"constraint-not-valid-missing", RuleKind::kLocking, false},
    {"unique-constraint-without-index", RuleKind::kLocking, false},
    {"primary-key-without-index", RuleKind::kLocking, false},
    {"vacuum-full-or-cluster", RuleKind::kLocking, false},
    {"truncate", RuleKind::kDataLoss, true},
    {"truncate-cascade", RuleKind::kDataLoss, true},
    {"delete-without-where", RuleKind::kDataLoss, true},
    {"update-without-where", RuleKind::kDataLoss, true},
    {"requires-no-transaction", RuleKind::kCannotWork, false},
    {"transaction-control", RuleKind::kCannotWork, false},
    {"enum-value-unordered", RuleKind::kAdvice, false},
    {"prefer-timestamptz", RuleKind::kAdvice, false},
    {"prefer-bigint", RuleKind::kAdvice, false},
    {"prefer-text", RuleKind::kAdvice, false},
    {"prefer-jsonb", RuleKind::kAdvice, false},
    {"prefer-identity", RuleKind::kAdvice, false},
    {"identifier-too-long", RuleKind::kAdvice, false},
    {"non-transactional-not-idempotent", RuleKind::kAdvice, false},
    {"do-block-not-checked", RuleKind::kAdvice, false},
    {"broken-down", RuleKind::kAdvice, false},
};

/* What other linters call the rules (README, "Other linters' suppression comments"). */
const std::map<std::string, std::vector<std::string>> kForeignNames = {
    /* squawk rule names */
    {"ban-drop-column", {"drop-column"}},
    {"ban-drop-table", {"drop-table"}},
    {"ban-drop-database", {"drop-database"}},
    {"ban-drop-not-null", {"drop-not-null"}},
    {"ban-truncate-cascade", {"truncate-cascade"}},
    {"adding-not-nullable-field", {"set-not-null", "add-not-null-without-default"}},
    {"adding-required-field", {"add-not-null-without-default"}},
    {"adding-field-with-default", {"volatile-default", "stored-generated-column"}},
    {"adding-foreign-key-constraint", {"constraint-not-valid-missing"}},
    {"constraint-missing-not-valid", {"constraint-not-valid-missing"}},
    {"adding-serial-primary-key-field", {"primary-key-without-index"}},
    {"disallowed-unique-constraint", {"unique-constraint-without-index"}},
    {"changing-column-type", {"column-type-change"}},
    {"renaming-column", {"rename-column"}},
    {"renaming-table", {"rename-table"}},
    {"require-concurrent-index-creation", {"index-not-concurrent"}},
    {"require-concurrent-index-deletion", {"drop-index-not-concurrent"}},
    {"prefer-robust-stmts", {"non-transactional-not-idempotent"}},
    {"prefer-big-int", {"prefer-bigint"}},
    {"prefer-bigint-over-int", {"prefer-bigint"}},
    {"prefer-bigint-over-smallint", {"prefer-bigint"}},
    {"prefer-identity", {"prefer-identity"}},
    {"prefer-text-field", {"prefer-text"}},
    {"prefer-timestamptz", {"prefer-timestamptz"}},
    {"prefer-timestamp-tz", {"prefer-timestamptz"}},
    /* atlas analyzers and their checks */
    {"destructive", {"drop-table", "drop-column"}},
    {"ds102", {"drop-table"}},
    {"ds103", {"drop-column"}},
    {"data_depend", {"add-not-null-without-default", "set-not-null"}},
    {"mf103", {"add-not-null-without-default"}},
    {"mf104", {"set-not-null"}},
    {"incompatible", {"rename-table", "rename-column"}},
    {"backward_incompatible", {"rename-table", "rename-column"}},
    {"bc101", {"rename-table"}},
    {"bc102", {"rename-column"}},
    {"concurrent_index", {"index-not-concurrent", "drop-index-not-concurrent"}},
    {"pg101", {"index-not-concurrent"}},
    {"pg102", {"drop-index-not-concurrent"}},
};

} // namespace

const std::vector<LintRule> &
LintRules()
{
	return kRules;
}

const LintRule *
FindRule(std::string_view id)
{
	for (const LintRule &rule : kRules)
		if (id == rule.id)
			return &rule;
	return nullptr;
}

const char *
RuleSeverity(std::string_view id, bool strict)
{
	const LintRule *rule = FindRule(id);
	if (rule == nullptr)
		return "warning";
	bool error = rule->kind == RuleKind::kDataLoss || rule->kind == RuleKind::kCannotWork ||
	             (strict && rule->kind == RuleKind::kLocking);
	return error ? "error" : "warning";
}

bool
CannotWork(std::string_view id)
{
	const LintRule *rule = FindRule(id);
	return rule != nullptr && rule->kind == RuleKind::kCannotWork;
}

bool
DependsOnDataRule(std::string_view id)
{
	const LintRule *rule = FindRule(id);
	return rule != nullptr && (rule->depends_on_data || rule->kind == RuleKind::kLocking);
}

std::vector<std::string>
RulesForForeignName(const std::string &name)
{
	auto found = kForeignNames.find(name);
	if (found != kForeignNames.end())
		return found->second;
	/* pg_migrate's own rule names mean themselves, but for the rules that cannot work */
	if (CannotWork(name))
		return {};
	return {name};
}

} // namespace pgmigrate

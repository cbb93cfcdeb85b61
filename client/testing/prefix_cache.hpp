/*
 * prefix_cache.hpp — scratch databases at a point of the history, each
 * prefix built once.
 *
 * A database at prefix n is a copy (CREATE DATABASE ... TEMPLATE) of a
 * template database at prefix n, which is itself a copy of the nearest
 * smaller cached prefix with the migrations in between applied. So ten
 * user tests that start at the same version cost one build of that
 * prefix and ten file copies, not ten applies of the whole history.
 * Templates are keyed by PrefixKey (the checksums of their migrations).
 */
#pragma once

#include "history_plan.hpp"
#include "scratch.hpp"

#include <map>
#include <string>
#include <vector>

namespace pgmigrate::client::testing {

class PrefixCache {
public:
	/* base: a scratch database with every migration registered and none applied (prefix 0). */
	PrefixCache(ScratchServer &server, const std::vector<PlannedMigration> &plan, std::string base, bool enabled);

	/* A new scratch database at prefix n, for the caller to use and drop. Throws StepFailed. */
	std::string NewDatabaseAt(std::size_t n, const std::string &label);

private:
	std::string TemplateAt(std::size_t n);

	ScratchServer &server_;
	const std::vector<PlannedMigration> &plan_;
	bool enabled_;
	std::map<std::size_t, std::string> templates_; /* prefix length -> template database */
	std::map<std::string, std::string> by_key_;    /* PrefixKey -> template database */
};

} // namespace pgmigrate::client::testing

/*
 * options.hpp — the options every command takes, filled in by main.cpp.
 * Plain data: parsing and checks live in main.cpp; each command's own
 * options live in its client/commands/<name>.cpp.
 */
#pragma once

#include <string>
#include <vector>

namespace pgmigrate::client {

enum class Format { kText, kJson };

/* Options valid for every command. */
struct GlobalOptions {
	std::string db;                /* URL or conninfo; empty: $DATABASE_URL, else libpq's PG* defaults */
	std::vector<std::string> dirs; /* raw "[STREAM=]PATH" values; empty: ./migrations */
	std::string layout; /* --layout: native, prisma, flyway, drizzle, golang-migrate; empty: detect per --dir */
	/* deploy to several databases: every --db given (db is the last), and --targets FILE (one per line) */
	std::vector<std::string> dbs;
	std::string targets;
	int jobs = 1; /* --jobs: databases deployed at the same time */
	Format format = Format::kText;
	bool quiet = false;
	bool verbose = false;
};

} // namespace pgmigrate::client

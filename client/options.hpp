/*
 * options.hpp — what the command line asked for, filled in by main.cpp and
 * read by the commands. Plain data: parsing and checks live in main.cpp.
 */
#pragma once

#include <optional>
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

struct NewOptions {
	std::string name;
	std::string stream; /* empty: the first --dir's stream */
};

struct DeployOptions {
	std::vector<std::string> streams;      /* empty: every stream */
	std::vector<std::string> skip_streams; /* also "index" when SKIP_INDEX_MIGRATIONS=true */
	std::string target;                    /* empty: no target */
	bool dry_run = false;
	bool no_wait = false; /* return once apply() has queued work for the background runner */
	/* apply pending migrations registered on the server that are in none of the files */
	bool include_server_only = false;
	/* record the schema as it is as the baseline first (migrate.accept_drift()) */
	bool accept_drift = false;
	/* --backup DIR: pg_dump -Fc into DIR before anything pending is applied (empty: no backup) */
	std::string backup_dir;
};

struct DiffOptions {
	bool against_folder = false; /* compare with a scratch database built from the folders */
};

/* test: checks of the folders' history and the team's tests, in scratch databases */
struct TestOptions {
	std::string tests_dir = "tests/migrations"; /* sql/, expected/, specs/ */
	bool keep = false;                          /* keep the scratch databases of failed checks */
	bool no_roundtrip = false;                  /* skip down/up round trips */
	bool accept = false;                        /* write expected files from the results */
	std::string pg_regress;                     /* empty: looked up */
	std::string apply_through; /* internal: the apply step a user test's psql runs (STREAM:VERSION or none) */
};

struct HistoryOptions {
	long limit = 50;
};

struct LintOptions {
	std::vector<std::string> files;
};

struct DriftOptions {
	bool all = false;             /* also acknowledged entries */
	std::optional<long long> ack; /* acknowledge this entry instead of listing */
};

/* rollback: at most one of to_version, steps, to_db_version, all (none: one step) */
struct RollbackOptions {
	std::string stream; /* empty: schema (ignored with --to-db-version) */
	std::string to_version;
	int steps = 0; /* 0: not given */
	std::string to_db_version;
	bool all = false;
};

struct VerifyOptions {
	std::string stream; /* empty: every stream */
};

/* resolve: exactly one of applied, rolled_back */
struct ResolveOptions {
	std::string applied, rolled_back;
	std::string stream; /* empty: the stream of the file with that version, else schema */
};

/* baseline V, repair V */
struct VersionTargetOptions {
	std::string version;
	std::string stream; /* empty: the stream of the file with that version, else schema */
};

struct VersionOptions {
	std::vector<std::string> checks; /* COMPONENT=VERSION */
};

struct ResetOptions {
	bool yes = false;
};

/* adopt --from TOOL [--table NAME] */
struct AdoptOptions {
	std::string from;  /* prisma, flyway, dbmate, drizzle, golang-migrate */
	std::string table; /* empty: the tool's default history table */
};

} // namespace pgmigrate::client

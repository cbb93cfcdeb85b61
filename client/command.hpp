/*
 * command.hpp — what a command is to main(): its name and help, how it
 * registers its own options on its CLI11 subcommand, and how it runs.
 *
 * Each client/commands/<name>.cpp defines one Command (declared in
 * commands.hpp) and owns its option struct; main.cpp lists them in one
 * table, in the order `pg_migrate --help` shows them.
 */
#pragma once

#include "options.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

namespace pgmigrate::client {

/* Runs a command whose options have been parsed; returns its exit code. */
using Runner = std::function<int(const GlobalOptions &global, Output &out)>;

/* What a command does with several databases (--db given twice, --targets). */
enum class ManyDatabases {
	kRefused, /* exit 2: works with one database only */
	kLastDb,  /* takes the last --db, like one database */
	kHandled, /* the command deploys to each (ManyDatabasesAsked) */
};

struct Command {
	const char *name;
	const char *help;
	/* Adds the command's options to its subcommand and returns how to run it with their values. */
	Runner (*add_options)(CLI::App &command);
	ManyDatabases many_databases;
};

/* Whether several databases were asked for: --db more than once, or --targets. */
inline bool
ManyDatabasesAsked(const GlobalOptions &global)
{
	return global.dbs.size() > 1 || !global.targets.empty();
}

/* add_options of a command with options: Add registers them on a fresh Options, Run reads them. */
template <class Options, void (*Add)(CLI::App &, Options &),
          int (*Run)(const GlobalOptions &, const Options &, Output &)>
Runner
WithOptions(CLI::App &command)
{
	auto options = std::make_shared<Options>();
	Add(command, *options);
	return [options](const GlobalOptions &global, Output &out) { return Run(global, *options, out); };
}

/* add_options of a command without options of its own. */
template <int (*Run)(const GlobalOptions &, Output &)>
Runner
WithoutOptions(CLI::App &)
{
	return Run;
}

} // namespace pgmigrate::client

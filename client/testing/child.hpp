/*
 * child.hpp — running another program (pg_regress, pg_isolation_regress)
 * and collecting what it printed. The child gets its own process group and
 * the default signal mask, and is known to the signal watcher (scratch.hpp),
 * which stops it on Ctrl-C.
 */
#pragma once

#include <string>
#include <vector>

namespace pgmigrate::client::testing {

struct ChildResult {
	int exit_code = -1; /* -1: could not start, or killed */
	std::string output; /* stdout and stderr, interleaved */
};

ChildResult RunChild(const std::vector<std::string> &argv);

/* This program's own path, for running it again (the apply step of a user test). */
std::string SelfPath();

} // namespace pgmigrate::client::testing

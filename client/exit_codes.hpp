/*
 * exit_codes.hpp — the client's exit codes (ARCHITECTURE.md §10) and the
 * exception that carries one up to main().
 *
 * CI jobs branch on these numbers, so they are contract.
 */
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace pgmigrate::client {

enum ExitCode : int {
	kExitOk = 0,
	kExitFailed = 1,     /* a migration or verify failed, or any other SQL error */
	kExitUsage = 2,      /* usage error or bad migration files */
	kExitConnect = 3,    /* cannot connect, or the extension is not installed */
	kExitValidation = 4, /* checksum mismatch, out of order, unmet requires, blocked, lint */
};

/*
 * Ends the command with exit_code. main() prints message (and the details in
 * JSON mode); whoever throws has already explained anything more specific.
 */
class Failure : public std::runtime_error {
public:
	Failure(int exit_code, const std::string &message, nlohmann::json details = nlohmann::json::object())
	    : std::runtime_error(message), exit_code(exit_code), details(std::move(details))
	{}
	int exit_code;
	nlohmann::json details; /* merged into the JSON document's "error" object */
};

/* The exit code for a server error, by SQLSTATE (§11). */
int ExitCodeForSqlState(const std::string &sqlstate);

} // namespace pgmigrate::client

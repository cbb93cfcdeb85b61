/*
 * errors.hpp — the errors pg_migrate's C++ code raises and carries, without
 * PostgreSQL's headers: logic files that only throw and catch need nothing of
 * PostgreSQL (guard.hpp turns them into ereport at the SQL boundary).
 */
#pragma once

#include <exception>
#include <string>
#include <utility>

struct ErrorData; /* PostgreSQL's (utils/elog.h): carried opaque */

namespace pgmigrate {

/* PostgreSQL's MAKE_SQLSTATE, as a constant expression. */
constexpr int
SqlState(char a, char b, char c, char d, char e)
{
	return ((a - '0') & 0x3F) + (((b - '0') & 0x3F) << 6) + (((c - '0') & 0x3F) << 12) + (((d - '0') & 0x3F) << 18) +
	       (((e - '0') & 0x3F) << 24);
}

/* SQLSTATEs of the contract (ARCHITECTURE.md §11). */
constexpr int MG_CHECKSUM_MISMATCH = SqlState('M', 'G', '0', '0', '1');
constexpr int MG_INVALID_SCRIPT = SqlState('M', 'G', '0', '0', '2');
constexpr int MG_NOT_ALLOWED_HERE = SqlState('M', 'G', '0', '0', '3');
constexpr int MG_LINT_ERROR = SqlState('M', 'G', '0', '0', '4');
constexpr int MG_NO_DOWN = SqlState('M', 'G', '0', '0', '5');
constexpr int MG_OUT_OF_ORDER = SqlState('M', 'G', '0', '0', '6');
constexpr int MG_UNMET_REQUIRES = SqlState('M', 'G', '0', '0', '7');
constexpr int MG_BLOCKED = SqlState('M', 'G', '0', '0', '8');
constexpr int MG_UNKNOWN = SqlState('M', 'G', '0', '0', '9');
/* pg_migrate's additions: stored text written by a role without the caller's privileges. */
constexpr int MG_UNTRUSTED_AUTHOR = SqlState('M', 'G', '0', '1', '0');
/* The schema differs from the state the last recorded action left (pg_migrate.drift_gate = error). */
constexpr int MG_SCHEMA_DRIFT = SqlState('M', 'G', '0', '1', '1');

/* An error raised by PostgreSQL, caught and carried through C++ frames. */
class PgException : public std::exception {
public:
	explicit PgException(ErrorData *edata) : edata(edata) {}
	const char *what() const noexcept override; /* the error's message (guard.cpp) */
	ErrorData *edata;                           /* palloc'd in the memory context current at the call */
};

/* An error pg_migrate itself raises. */
class MigrateError : public std::exception {
public:
	MigrateError(int sqlstate, std::string message, std::string detail = {}, std::string hint = {})
	    : sqlstate(sqlstate), message(std::move(message)), detail(std::move(detail)), hint(std::move(hint))
	{}
	const char *
	what() const noexcept override
	{
		return message.c_str();
	}
	int sqlstate;
	std::string message, detail, hint;
};

} // namespace pgmigrate

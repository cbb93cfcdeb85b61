/*
 * host.hpp — the client host of the engine: while a HostSession lives, the
 * extension's logic files (apply.cpp, register.cpp, catalog.cpp, ...)
 * compiled into the client reach the database through conn, and every
 * pg:: service (pg_api.hpp) is answered over libpq (pg_api_client.cpp).
 *
 * One session at a time per thread, on a connection inside a transaction
 * block that the caller opened (managed_calls.cpp): the engine's SET LOCALs
 * and savepoints need one.
 */
#pragma once

#include "catalog_facts.hpp"
#include "connection.hpp"

#include <cstdint>
#include <optional>
#include <string>

struct ErrorData;

namespace pgmigrate::client::engine {

class HostSession {
public:
	explicit HostSession(Connection &conn);
	~HostSession();
	HostSession(const HostSession &) = delete;
	HostSession &operator=(const HostSession &) = delete;

private:
	struct MemoryContextData *memory_;
	CatalogConnection facts_; /* lint's catalog facts (catalog_facts.hpp) read through the same connection */
};

/*
 * Puts the caller's search_path in force for a statement that resolves the
 * caller's names (lint's facts, its targets); nothing outside a HostSession.
 */
void EnsureCallerSearchPath();

bool InHostSession();

/* The session's connection; std::logic_error outside one. */
Connection &HostConnection();

/*
 * Raises error as the server would have raised it inside the engine: an
 * ereport through libpg_query's error machinery, so the engine's error
 * context callbacks add their lines and pg::Call turns it into a
 * PgException. query: the statement the caret positions point into.
 */
[[noreturn]] void RaiseServerError(const SqlError &error, const std::string *query = nullptr);

/* What an engine error carried out of a HostSession becomes: the SqlError a server-hosted call would have thrown. */
SqlError ToSqlError(const ErrorData *edata);

/* Forgets the host's view of the session (pg_api_client.cpp): a new session starts from the server's state. */
void ResetHostState();

/* A setting as the session has it (nullopt: not set), read once per session unless a statement names it. */
std::optional<std::string> SessionSetting(const std::string &name);

/*
 * A SQL condition: the row version whose xmin is column (of a catalog row
 * this snapshot sees) was written by this transaction or one of its
 * subtransactions. A visible row whose writer is still in progress can only
 * be ours; the 32-bit xmin is widened against our own full transaction id.
 */
std::string XminIsOursSql(const std::string &column);

/* Counter of savepoints begun, released and rolled back: pg::CurrentSubtransactionScope(). */
std::uint64_t &SubtransactionEpoch();

} // namespace pgmigrate::client::engine

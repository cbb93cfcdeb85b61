/*
 * managed_calls.hpp — the extension's SQL-callable functions, run by the
 * engine compiled into the client (managed mode: no extension on the
 * server). Each opens a transaction, hosts the engine on the connection
 * (host.hpp), calls the same C++ the server's function calls and commits;
 * it returns a Result shaped like the function's result and throws the
 * SqlError the server-hosted call would have thrown, so the commands read
 * both alike.
 */
#pragma once

#include "connection.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgmigrate::client::engine {

/* Whether the database holds the managed catalog (install --no-extension): asked when the extension's functions are
 * missing. */
bool HasManagedCatalog(Connection &conn);

/*
 * Whether error (a call of the extension's) says the extension's functions
 * are missing on a database that holds the managed catalog: then conn is
 * marked managed, and the caller makes the same call through this file.
 */
bool SwitchToManaged(Connection &conn, const SqlError &error);

/* migrate.validate(): severity, check_name, stream, version, message. */
Result ManagedValidate(Connection &conn);

/* The deploy's first read (upload.cpp, kRemoteStateSql): stream, version, checksum, state, library, catalog. */
Result ManagedRemoteState(Connection &conn);

/* migrate.register_many(streams, versions, names, scripts, sources): stream, version, outcome. */
Result ManagedRegisterMany(Connection &conn, const std::vector<std::string_view> (&columns)[5]);

/* migrate.apply_exact(...): stream, version, name, outcome, duration_ms. */
struct ManagedApply {
	std::vector<std::string> expected;
	bool include_unlisted = false;
	std::optional<std::vector<std::string>> streams, skip_streams;
	std::optional<std::string> target;
	bool dry_run = false;
	std::string on_error = "record";
};
Result ManagedApplyExact(Connection &conn, const ManagedApply &request);

/*
 * Works the background queue as the runner would, in this process (there is
 * no background worker): no-transaction steps at top level on conn, each
 * statement its own transaction. Stops with the client: what was running
 * is then interrupted, and migrate.retry() resumes it.
 */
void RunManagedQueue(Connection &conn);

/* migrate.status(stream): the columns of its result. */
Result ManagedStatus(Connection &conn, const std::optional<std::string> &stream = std::nullopt);

/*
 * One of the extension's calls the commands send through CallExtension
 * (sql word for word, its parameters), run by the hosted engine; a
 * statement managed mode does not have is refused (0A000).
 */
Result ManagedCall(Connection &conn, const std::string &sql, const std::vector<Param> &params);

/* Set when the engine queued work for a runner (no-transaction steps); cleared by the call that runs it. */
bool &RunnerWorkQueued();

} // namespace pgmigrate::client::engine

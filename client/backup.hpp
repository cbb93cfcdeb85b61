/*
 * backup.hpp — `deploy --backup DIR`: a pg_dump of the database before
 * anything pending is applied (ARCHITECTURE.md §10).
 *
 * pg_dump connects with the client's own connection settings (the options
 * libpq settled on: host, port, user, database, SSL, ...); the password goes
 * in a temporary passfile readable only by this user, never on a command line
 * that ps would show. pg_dump refuses to dump a server newer than itself, so
 * the one beside the server is taken when the server runs on this host
 * (its BINDIR, as pg_config reports it), else the one on PATH;
 * PG_MIGRATE_PG_DUMP names another.
 */
#pragma once

#include "connection.hpp"
#include "output.hpp"

#include <string>

namespace pgmigrate::client {

struct Backup {
	std::string path;    /* DIR/<database>-<UTC timestamp>.dump */
	std::string pg_dump; /* the program that wrote it */
	long long bytes = 0;
};

/*
 * Runs pg_dump -Fc into DIR (created when missing). The file appears only
 * when the dump is complete. Throws Failure(kExitConnect) naming the cause
 * when no backup can be taken: no usable pg_dump, DIR not writable, pg_dump
 * failed (its own message is shown).
 */
Backup TakeBackup(Connection &conn, const std::string &dir, Output &out);

} // namespace pgmigrate::client

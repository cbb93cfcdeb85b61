/*
 * scratch.hpp — the scratch databases of `pg_migrate test`.
 *
 * Every database the command works in is created here, on the server the
 * URL names, next to the URL's database (which is only used to issue
 * CREATE/DROP DATABASE; nothing runs in it). Names start with
 * pg_migrate_test_<pid>_, so they never collide with a user's.
 *
 * Scratch databases are dropped when the ScratchServer goes away, whatever
 * the outcome; with --keep, the ones marked failing stay. SIGINT and SIGTERM
 * are taken by a watcher thread that drops them too (WITH (FORCE), so a
 * migration still running in one is ended), stops the child programs, and
 * ends the process with 130 / 143.
 */
#pragma once

#include "connection.hpp"
#include "output.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pgmigrate::client::testing {

class ScratchServer {
public:
	/* admin: a connection to the URL's database; keep_failing: --keep; each database created is named with -v. */
	ScratchServer(Connection admin, bool keep_failing, const Output &out);
	~ScratchServer();
	ScratchServer(const ScratchServer &) = delete;
	ScratchServer &operator=(const ScratchServer &) = delete;

	/*
	 * Creates a new scratch database, a copy of template_db (template0 plus
	 * CREATE EXTENSION pg_migrate when empty), and returns its name. label
	 * goes into the name, for --keep. Needs CREATEDB (exit 3 explains).
	 */
	std::string Create(const std::string &label, const std::string &template_db = "");
	/* Drops it now (it is no longer needed). */
	void Drop(const std::string &name);
	/* A check failed in it: with --keep it stays (and is listed by Kept()), else it is dropped at the end. */
	void MarkFailing(const std::string &name);
	const std::vector<std::string> &
	Kept() const
	{
		return kept_;
	}

	/* libpq conninfo of a scratch database: the admin connection's host, port and user (password by PGPASSWORD). */
	std::string Conninfo(const std::string &name) const;
	Connection Open(const std::string &name) const;
	int ServerMajor() const;
	/* where the scratch databases are, for pg_regress's --host, --port, --user */
	std::string
	Host() const
	{
		return admin_.Host();
	}
	std::string
	Port() const
	{
		return admin_.Port();
	}
	std::string
	User() const
	{
		return admin_.User();
	}

private:
	Connection admin_;
	bool keep_failing_;
	const Output &out_;
	std::vector<std::string> kept_;
	int counter_ = 0;
};

/* A child program (pg_regress, the walk's own steps): stopped by the signal watcher. */
void RegisterChild(int pid);
void UnregisterChild(int pid);

} // namespace pgmigrate::client::testing

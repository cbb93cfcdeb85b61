/*
 * scratch.hpp — the scratch databases of `pg_migrate test`.
 *
 * Every database the command works in is created here, on the server the
 * URL names, next to the URL's database (which is only used to issue
 * CREATE/DROP DATABASE; nothing runs in it). Names start with
 * pg_migrate_test_<pid>_, so they never collide with a user's.
 *
 * The catalog they get is the one the URL's database has: the extension, or
 * in managed mode (no extension on the server, or the role may not create
 * it) the managed catalog `install --no-extension` makes
 * (InstallManagedCatalog); their connections are then managed, so applies,
 * round trips and reruns go through the client's engine as deploy's do.
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

/* Which pg_migrate catalog scratch databases get. */
enum class ScratchCatalog {
	kUnknown,   /* the URL's database has none: the extension, else (not available, not permitted) managed */
	kExtension, /* CREATE EXTENSION pg_migrate */
	kManaged,   /* the managed catalog, as install --no-extension makes it */
};

/* The catalog of the database conn is connected to, for scratch databases next to it. */
ScratchCatalog CatalogOf(Connection &conn);

/*
 * Puts the pg_migrate catalog into fresh, a new empty database: CREATE
 * EXTENSION for kExtension and kUnknown, the managed catalog
 * (InstallManagedCatalog, in one transaction) for kManaged and when the
 * server does not have the extension (58P01) or the role may not create it
 * (42501). Returns what it installed and marks fresh managed accordingly.
 */
ScratchCatalog InstallScratchCatalog(Connection &fresh, ScratchCatalog wanted, Output &out);

class ScratchServer {
public:
	/* admin: a connection to the URL's database; keep_failing: --keep; each database created is named with -v. */
	ScratchServer(Connection admin, bool keep_failing, Output &out);
	~ScratchServer();
	ScratchServer(const ScratchServer &) = delete;
	ScratchServer &operator=(const ScratchServer &) = delete;

	/*
	 * Creates a new scratch database, a copy of template_db (template0 plus
	 * the catalog, InstallScratchCatalog, when empty), and returns its name. label
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
	/* A connection to a scratch database, managed when the scratch databases are (Managed()). */
	Connection Open(const std::string &name) const;
	/* Whether the scratch databases hold the managed catalog (known once the first one is made). */
	bool
	Managed() const
	{
		return catalog_ == ScratchCatalog::kManaged;
	}
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
	Output &out_;
	ScratchCatalog catalog_;
	std::vector<std::string> kept_;
	int counter_ = 0;
};

/* A child program (pg_regress, the walk's own steps): stopped by the signal watcher. */
void RegisterChild(int pid);
void UnregisterChild(int pid);

} // namespace pgmigrate::client::testing

/* scratch.cpp — see scratch.hpp. */
#include "scratch.hpp"

#include "exit_codes.hpp"
#include "managed_catalog.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

namespace pgmigrate::client::testing {

namespace {

/*
 * What the signal watcher must clean up. A plain global: the watcher thread
 * lives as long as the process, and there is one ScratchServer per run.
 */
struct Registry {
	std::mutex mutex;
	std::string admin_conninfo;
	std::set<std::string> live; /* scratch databases that exist or are being created */
	std::set<int> children;
	bool watching = false;
	/* Set by the watcher before it cleans up: the main thread then waits for its exit code instead of failing. */
	std::atomic<bool> interrupted{false};
};

Registry &
TheRegistry()
{
	static Registry *registry = new Registry(); /* never destroyed: the watcher may still read it at exit */
	return *registry;
}

std::string
Quoted(const std::string &name)
{
	return "\"" + name + "\""; /* our own names: [a-z0-9_] only */
}

/* Runs in the watcher thread: a fresh connection, since the main thread's may be mid-query. */
[[noreturn]] void
CleanUpAndExit(int signal_number)
{
	Registry &registry = TheRegistry();
	registry.interrupted = true;
	std::set<std::string> live;
	std::string conninfo;
	{
		std::lock_guard<std::mutex> lock(registry.mutex);
		for (int pid : registry.children)
			kill(-pid, SIGTERM);
		live = registry.live;
		conninfo = registry.admin_conninfo;
	}
	PGconn *conn = PQconnectdb(conninfo.c_str());
	if (PQstatus(conn) == CONNECTION_OK)
		for (const std::string &name : live)
			PQclear(PQexec(conn, ("DROP DATABASE IF EXISTS " + Quoted(name) + " WITH (FORCE)").c_str()));
	PQfinish(conn);
	const char message[] = "pg_migrate test: interrupted; scratch databases dropped\n";
	(void)!write(STDERR_FILENO, message, sizeof message - 1);
	_exit(128 + signal_number);
}

/* Blocks SIGINT and SIGTERM in every thread of the process and waits for them in one. */
void
StartWatcher()
{
	Registry &registry = TheRegistry();
	std::lock_guard<std::mutex> lock(registry.mutex);
	if (registry.watching)
		return;
	registry.watching = true;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, nullptr);
	std::thread([set]() {
		int signal_number = 0;
		sigwait(&set, &signal_number);
		CleanUpAndExit(signal_number);
	}).detach();
}

} // namespace

ScratchCatalog
CatalogOf(Connection &conn)
{
	if (conn.Managed())
		return ScratchCatalog::kManaged;
	/* pg_catalog only: a role without USAGE on schema migrate may still run the command */
	Result r = conn.Exec("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
	                     "c.relnamespace WHERE n.nspname = 'migrate' AND c.relname = 'managed_catalog'), EXISTS "
	                     "(SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_migrate')");
	if (r.Get(0, 0) == "t")
		return ScratchCatalog::kManaged;
	return r.Get(0, 1) == "t" ? ScratchCatalog::kExtension : ScratchCatalog::kUnknown;
}

ScratchCatalog
InstallScratchCatalog(Connection &fresh, ScratchCatalog wanted, Output &out)
{
	if (wanted != ScratchCatalog::kManaged) {
		try {
			fresh.Exec("CREATE EXTENSION pg_migrate");
			fresh.SetManaged(false);
			return ScratchCatalog::kExtension;
		} catch (const SqlError &e) {
			/* as plain install falls back: no pg_migrate.control (58P01), or the role may not create it (42501) */
			if ((e.sqlstate != "58P01" && e.sqlstate != "42501") || e.connection_lost)
				throw;
			out.Verbose(std::string(e.sqlstate == "58P01" ? "the pg_migrate extension is not available on this server"
			                                              : "this role may not create the pg_migrate extension") +
			            ": scratch databases get the managed catalog (the client runs the engine)");
		}
	}
	/* one transaction, as install --no-extension runs it; a failure leaves an empty database, dropped with the rest */
	fresh.Exec("BEGIN");
	InstallManagedCatalog(fresh, out);
	fresh.Exec("COMMIT");
	fresh.SetManaged(true);
	return ScratchCatalog::kManaged;
}

void
RegisterChild(int pid)
{
	std::lock_guard<std::mutex> lock(TheRegistry().mutex);
	TheRegistry().children.insert(pid);
}

void
UnregisterChild(int pid)
{
	std::lock_guard<std::mutex> lock(TheRegistry().mutex);
	TheRegistry().children.erase(pid);
}

ScratchServer::ScratchServer(Connection admin, bool keep_failing, Output &out)
    : admin_(std::move(admin)), keep_failing_(keep_failing), out_(out), catalog_(CatalogOf(admin_))
{
	/* Children (pg_regress, psql, this program again) read the password from the environment, never from argv. */
	if (!admin_.Password().empty())
		setenv("PGPASSWORD", admin_.Password().c_str(), 1);
	{
		std::lock_guard<std::mutex> lock(TheRegistry().mutex);
		TheRegistry().admin_conninfo = Conninfo(admin_.Database());
	}
	StartWatcher();
}

ScratchServer::~ScratchServer()
{
	/* A query the watcher's DROP ... WITH (FORCE) broke is no failure: the run ends with the signal's code. */
	while (TheRegistry().interrupted)
		sleep(1);
	std::set<std::string> live;
	{
		std::lock_guard<std::mutex> lock(TheRegistry().mutex);
		live = TheRegistry().live;
	}
	for (const std::string &name : live)
		Drop(name);
}

std::string
ScratchServer::Create(const std::string &label, const std::string &template_db)
{
	std::string clean;
	for (char c : label)
		clean += (std::isalnum(static_cast<unsigned char>(c)) != 0) ? static_cast<char>(std::tolower(c)) : '_';
	std::string name = "pg_migrate_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter_) + "_" + clean;
	name = name.substr(0, 63); /* NAMEDATALEN - 1 */
	{
		std::lock_guard<std::mutex> lock(TheRegistry().mutex);
		TheRegistry().live.insert(name); /* before it exists: a signal in between still drops it */
	}
	try {
		admin_.Exec("CREATE DATABASE " + Quoted(name) + " TEMPLATE " +
		            (template_db.empty() ? std::string("template0") : Quoted(template_db)));
	} catch (const SqlError &e) {
		{
			std::lock_guard<std::mutex> lock(TheRegistry().mutex);
			TheRegistry().live.erase(name);
		}
		if (e.sqlstate == "42501")
			throw Failure(kExitConnect,
			              "pg_migrate test works in scratch databases on this server, which needs CREATEDB: " +
			                  std::string(e.what()));
		throw;
	}
	out_.Verbose("created scratch database " + name + " from " + (template_db.empty() ? "template0" : template_db));
	if (template_db.empty()) {
		Connection fresh = Open(name);
		catalog_ = InstallScratchCatalog(fresh, catalog_, out_);
	}
	return name;
}

void
ScratchServer::Drop(const std::string &name)
{
	try {
		admin_.Exec("DROP DATABASE IF EXISTS " + Quoted(name) + " WITH (FORCE)");
	} catch (const SqlError &) {
		return; /* stays registered: the next attempt (the destructor, the watcher) tries again */
	}
	std::lock_guard<std::mutex> lock(TheRegistry().mutex);
	TheRegistry().live.erase(name);
}

void
ScratchServer::MarkFailing(const std::string &name)
{
	if (!keep_failing_ || std::find(kept_.begin(), kept_.end(), name) != kept_.end())
		return;
	kept_.push_back(name);
	std::lock_guard<std::mutex> lock(TheRegistry().mutex);
	TheRegistry().live.erase(name); /* neither the destructor nor the watcher drops it */
}

std::string
ScratchServer::Conninfo(const std::string &name) const
{
	auto quote = [](const std::string &v) {
		std::string q = "'";
		for (char c : v) {
			if (c == '\'' || c == '\\')
				q += '\\';
			q += c;
		}
		return q + "'";
	};
	return "host=" + quote(admin_.Host()) + " port=" + quote(admin_.Port()) + " user=" + quote(admin_.User()) +
	       " dbname=" + quote(name);
}

Connection
ScratchServer::Open(const std::string &name) const
{
	Connection conn = Connection::Open(Conninfo(name));
	conn.SetManaged(Managed());
	return conn;
}

int
ScratchServer::ServerMajor() const
{
	return admin_.ServerVersion() / 10000;
}

} // namespace pgmigrate::client::testing

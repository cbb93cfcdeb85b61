/* Connecting: missing extension, unreachable server, install, and passwords never printed. */
#include "connection.hpp"
#include "harness.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using pgmtest::ClientTest;
using pgmtest::RunClient;
using pgmtest::RunResult;

namespace {

const std::string kSecret = "s3cretpw";

class NoExtension : public ClientTest {
protected:
	bool
	WithExtension() const override
	{
		return false;
	}
};

TEST_F(NoExtension, DeployAndStatusExit3AndSayHowToInstall)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	for (const char *command : {"deploy", "status", "push", "history"}) {
		RunResult r = Run({command});
		EXPECT_EQ(r.exit_code, 3) << command << ": " << r.All();
		EXPECT_NE(r.err.find("extension pg_migrate is not installed in database " + db_name_), std::string::npos)
		    << r.err;
		EXPECT_NE(r.err.find("pg_migrate install"), std::string::npos) << r.err;
	}
	EXPECT_FALSE(db_->TableExists("a"));
}

TEST_F(NoExtension, InstallCreatesExtensionAndIsRepeatable)
{
	SKIP_WHEN_MANAGED("install creates the extension here; ManagedInstall* cover the catalog without it");
	RunResult r = Run({"install"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'"), PG_MIGRATE_VERSION);
	EXPECT_NE(r.out.find("pg_migrate " PG_MIGRATE_VERSION " is installed"), std::string::npos) << r.out;
	r = Run({"install"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	/* the server's "already exists" notices are not shown without -v */
	EXPECT_EQ(r.err, "");

	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	EXPECT_EQ(Run({"deploy"}).exit_code, 0);
	EXPECT_TRUE(db_->TableExists("a"));
}

TEST_F(NoExtension, ConcurrentInstallsAllSucceed)
{
	SKIP_WHEN_MANAGED("install creates the extension here; ManagedInstall* cover the catalog without it");
	constexpr int kClients = 8;
	std::vector<RunResult> results(kClients);
	std::vector<std::thread> threads;
	std::atomic<int> ready{0};
	for (int i = 0; i < kClients; i++)
		threads.emplace_back([&, i] {
			/* start together, so the CREATE EXTENSIONs overlap */
			ready++;
			while (ready < kClients)
				std::this_thread::yield();
			results[i] = RunClient({"--db", conninfo_, "install"}, {}, tmp_.Path());
		});
	for (std::thread &t : threads)
		t.join();
	for (int i = 0; i < kClients; i++) {
		EXPECT_EQ(results[i].exit_code, 0) << i << ": " << results[i].All();
		EXPECT_NE(results[i].out.find("pg_migrate " PG_MIGRATE_VERSION " is installed"), std::string::npos)
		    << results[i].out;
	}
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_extension WHERE extname = 'pg_migrate'"), 1);
	EXPECT_EQ(db_->Scalar("SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'"), PG_MIGRATE_VERSION);
}

TEST_F(NoExtension, ConcurrentInstallsUpdateAnOlderCatalogOnce)
{
	SKIP_WHEN_MANAGED("install creates the extension here; ManagedInstall* cover the catalog without it");
	db_->Script("CREATE EXTENSION pg_migrate VERSION '0.1.0'");
	constexpr int kClients = 8;
	std::vector<RunResult> results(kClients);
	std::vector<std::thread> threads;
	std::atomic<int> ready{0};
	for (int i = 0; i < kClients; i++)
		threads.emplace_back([&, i] {
			ready++;
			while (ready < kClients)
				std::this_thread::yield();
			results[i] = RunClient({"--db", conninfo_, "install"}, {}, tmp_.Path());
		});
	for (std::thread &t : threads)
		t.join();
	for (int i = 0; i < kClients; i++)
		EXPECT_EQ(results[i].exit_code, 0) << i << ": " << results[i].All();
	EXPECT_EQ(db_->Scalar("SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'"), PG_MIGRATE_VERSION);
}

TEST_F(NoExtension, InstallUpdatesAnOlderCatalogAndKeepsHistory)
{
	SKIP_WHEN_MANAGED("install creates the extension here; ManagedInstall* cover the catalog without it");
	db_->Script("CREATE EXTENSION pg_migrate VERSION '0.1.0'");
	WriteMigration("0001_a.sql", "CREATE TABLE a (id bigint);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	std::string history =
	    db_->Scalar("SELECT string_agg(id || ':' || version || ':' || status, ',') FROM migrate.history");
	RunResult r = Run({"install"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'"), PG_MIGRATE_VERSION);
	EXPECT_EQ(db_->Scalar("SELECT string_agg(id || ':' || version || ':' || status, ',') FROM migrate.history"),
	          history);
	WriteMigration("0002_b.sql", "CREATE TABLE b (id bigint);\n");
	EXPECT_EQ(Run({"deploy"}).exit_code, 0);
	EXPECT_TRUE(db_->TableExists("b"));
}

TEST(Connection, UnreachableServerExits3)
{
	pgmtest::TempDir tmp;
	tmp.Write("migrations/0001_a.sql", "SELECT 1;\n");
	for (const char *command : {"deploy", "status", "install"}) {
		RunResult r = RunClient({"--db", "postgresql://127.0.0.1:1/nowhere", command}, {}, tmp.Path());
		EXPECT_EQ(r.exit_code, 3) << command << ": " << r.All();
		EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
	}
	/* libpq defaults (PG*) pointing nowhere */
	RunResult r = RunClient({"status"}, {{"PGHOST", "127.0.0.1"}, {"PGPORT", "1"}}, tmp.Path());
	EXPECT_EQ(r.exit_code, 3) << r.All();
}

TEST(Connection, PasswordIsNeverPrinted)
{
	pgmtest::TempDir tmp;
	tmp.Write("migrations/0001_a.sql", "SELECT 1;\n");
	const std::vector<std::string> targets = {
	    "postgresql://alice:" + kSecret + "@127.0.0.1:1/db",
	    "postgres://alice:" + kSecret + "@127.0.0.1:1/db?sslmode=disable",
	    "postgresql://alice@127.0.0.1:1/db?password=" + kSecret,
	    "postgresql://alice:" + kSecret + "@[::1/db", /* malformed: libpq quotes the whole URL */
	    "postgresql://alice:" + kSecret + "@127.0.0.1:notaport/db",
	    "host=127.0.0.1 port=1 user=alice password=" + kSecret,
	    "host=127.0.0.1 port=1 password='" + kSecret + "' user=alice",
	};
	for (const std::string &target : targets) {
		for (const char *command : {"status", "deploy"}) {
			for (const char *format : {"text", "json"}) {
				RunResult r = RunClient({"-v", "--format", format, "--db", target, command}, {}, tmp.Path());
				EXPECT_EQ(r.exit_code, 3) << target << " " << command << ": " << r.All();
				EXPECT_EQ(r.All().find(kSecret), std::string::npos) << target << " " << command << ":\n" << r.All();
			}
		}
		RunResult r = RunClient({"-v", "status"}, {{"DATABASE_URL", target}}, tmp.Path());
		EXPECT_EQ(r.exit_code, 3) << r.All();
		EXPECT_EQ(r.All().find(kSecret), std::string::npos) << r.All();
	}
}

/* A TCP listener on 127.0.0.1 that accepts connections and never answers: a server that hangs. */
class SilentServer {
public:
	SilentServer()
	{
		fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in addr = {};
		addr.sin_family = AF_INET;
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		socklen_t len = sizeof addr;
		if (fd_ < 0 || bind(fd_, reinterpret_cast<struct sockaddr *>(&addr), sizeof addr) != 0 || listen(fd_, 8) != 0 ||
		    getsockname(fd_, reinterpret_cast<struct sockaddr *>(&addr), &len) != 0)
			throw std::runtime_error(std::string("cannot listen: ") + std::strerror(errno));
		port_ = std::to_string(ntohs(addr.sin_port));
	}
	~SilentServer()
	{
		for (int fd : accepted_)
			close(fd);
		close(fd_);
	}
	const std::string &
	Port() const
	{
		return port_;
	}
	/* Waits up to timeout_ms for a client to connect; false when none did. */
	bool
	Accept(int timeout_ms)
	{
		struct pollfd pfd = {fd_, POLLIN, 0};
		if (poll(&pfd, 1, timeout_ms) != 1)
			return false;
		int fd = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
		if (fd < 0)
			return false;
		accepted_.push_back(fd);
		return true;
	}

private:
	int fd_ = -1;
	std::string port_;
	std::vector<int> accepted_;
};

/* What ps shows for pid: /proc/PID/cmdline with the NULs between arguments as spaces. */
std::string
CommandLine(pid_t pid)
{
	std::ifstream file("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
	std::stringstream ss;
	ss << file.rdbuf();
	std::string text = ss.str();
	for (char &c : text)
		if (c == '\0')
			c = ' ';
	return text;
}

TEST(Connection, PasswordIsWipedFromTheProcessArguments)
{
	if (access("/proc/self/cmdline", R_OK) != 0)
		GTEST_SKIP() << "needs /proc";
	pgmtest::TempDir tmp;
	tmp.Write("migrations/0001_a.sql", "SELECT 1;\n");
	SilentServer server;
	const std::string addr = "127.0.0.1:" + server.Port();
	const std::vector<std::vector<std::string>> invocations = {
	    {"--db", "postgres://alice:" + kSecret + "@" + addr + "/db?connect_timeout=20", "deploy"},
	    {"--db=postgresql://alice:" + kSecret + "@" + addr + "/db?connect_timeout=20", "status"},
	    {"status", "--db",
	     "host=127.0.0.1 port=" + server.Port() + " user=alice password=" + kSecret + " connect_timeout=20 dbname=db"},
	    {"deploy", "--db", "postgresql://alice@" + addr + "/db?password=" + kSecret + "&connect_timeout=20"},
	    {"status", "--db",
	     "host=127.0.0.1 port=" + server.Port() + " user=alice sslpassword='" + kSecret + "' connect_timeout=20"},
	};
	for (const std::vector<std::string> &args : invocations) {
		std::vector<std::string> argv_strings = {PG_MIGRATE_BIN};
		argv_strings.insert(argv_strings.end(), args.begin(), args.end());
		std::vector<char *> argv;
		for (std::string &a : argv_strings)
			argv.push_back(a.data());
		argv.push_back(nullptr);
		pid_t pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR);
			dup2(null, 1);
			dup2(null, 2);
			if (chdir(tmp.Path().c_str()) != 0)
				_exit(126);
			execv(argv[0], argv.data());
			_exit(127);
		}
		/* connected to the listener: start-up is over, the client waits for the server's answer */
		bool connected = server.Accept(15000);
		std::string cmdline = CommandLine(pid);
		kill(pid, SIGKILL);
		int status = 0;
		waitpid(pid, &status, 0);
		ASSERT_TRUE(connected) << args[0] << " " << args[1];
		EXPECT_NE(cmdline.find("alice"), std::string::npos) << cmdline;
		EXPECT_EQ(cmdline.find(kSecret), std::string::npos) << cmdline;
	}
}

TEST_F(ClientTest, VerboseNamesConnectionButNotPassword)
{
	/* a working URL with the real password in it */
	const char *password = std::getenv("PGPASSWORD");
	const char *user = std::getenv("PGUSER");
	const char *host = std::getenv("PGHOST");
	const char *port = std::getenv("PGPORT");
	if (password == nullptr || user == nullptr || host == nullptr || port == nullptr ||
	    std::string(password).size() < 4)
		GTEST_SKIP() << "needs PGPASSWORD, PGUSER, PGHOST and PGPORT (pg_virtualenv sets them)";
	std::string url = std::string("postgresql://") + user + ":" + password + "@" + host + ":" + port + "/" + db_name_;
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	RunResult r = RunClient({"-v", "deploy", "--db", url}, {{"PGPASSWORD", std::nullopt}}, tmp_.Path());
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("a"));
	EXPECT_NE(r.err.find("connected to database \"" + db_name_ + "\" as user \"" + user + "\""), std::string::npos)
	    << r.err;
	EXPECT_EQ(r.All().find(password), std::string::npos) << r.All();
}

} // namespace

/* A binary text[] parameter reaches the server element for element, whatever the text holds. */
TEST_F(ClientTest, BinaryTextArrayArrivesAsSent)
{
	using pgmigrate::client::Connection;
	using pgmigrate::client::TextArrayBinary;
	const std::vector<std::string> values = {"plain", "", "NULL", "q\"b\\s,{x}", "line\nnext\ttab", "caf\xc3\xa9", "'"};
	Connection conn = Connection::Open(conninfo_);
	std::string array = TextArrayBinary(std::vector<std::string_view>(values.begin(), values.end()));
	auto result = conn.ExecBinary("SELECT e, e IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS u(e, n) ORDER BY n",
	                              {array}, {true});
	ASSERT_EQ(result.Rows(), static_cast<int>(values.size()));
	for (int r = 0; r < result.Rows(); r++) {
		EXPECT_EQ(result.Get(r, 0), values[static_cast<std::size_t>(r)]);
		EXPECT_EQ(result.Get(r, 1), "f");
	}
	auto empty = conn.ExecBinary("SELECT pg_catalog.cardinality($1::text[])", {TextArrayBinary({})}, {true});
	EXPECT_EQ(empty.Get(0, 0), "0");
}

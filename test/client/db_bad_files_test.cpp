/* Bad migration folders: exit 2, the file named, nothing uploaded. */
#include "harness.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace {

const char *kGood = "CREATE TABLE good (id int);\n";

class BadFiles : public ClientTest {
protected:
	/* deploy must exit 2, print every expected text on stderr, and leave the catalog untouched */
	void
	ExpectRefused(const std::vector<std::string> &expected, const std::vector<std::string> &args = {"deploy"})
	{
		RunResult r = Run(args);
		EXPECT_EQ(r.exit_code, 2) << r.All();
		for (const std::string &text : expected)
			EXPECT_NE(r.err.find(text), std::string::npos) << "missing \"" << text << "\" in:\n" << r.err;
		EXPECT_EQ(Registered(), 0);
		EXPECT_EQ(HistoryRows(), 0);
		EXPECT_FALSE(db_->TableExists("good"));
	}
};

TEST_F(BadFiles, FileNameWithoutVersion)
{
	WriteMigration("0001_good.sql", kGood);
	WriteMigration("add_users.sql", "CREATE TABLE users (id int);\n");
	ExpectRefused({"./migrations/add_users.sql: ", "does not start with a version"});
}

TEST_F(BadFiles, SameVersionTwiceInOneStreamNamesBothFiles)
{
	WriteMigration("0010_good.sql", kGood);
	WriteMigration("10_other.sql", "CREATE TABLE other (id int);\n");
	ExpectRefused({"./migrations/10_other.sql", "./migrations/0010_good.sql", "version"});
}

TEST_F(BadFiles, SameVersionInTwoFoldersOfOneStream)
{
	WriteMigration("0001_good.sql", kGood, "a");
	WriteMigration("1_dup.sql", "CREATE TABLE dup (id int);\n", "b");
	ExpectRefused({tmp_.Path() + "/a/0001_good.sql", tmp_.Path() + "/b/1_dup.sql"},
	              {"deploy", "--dir", tmp_.Path() + "/a", "--dir", tmp_.Path() + "/b"});
}

TEST_F(BadFiles, EmptyUpSectionNamesLine)
{
	WriteMigration("0001_good.sql", kGood);
	WriteMigration("0002_empty.sql", "-- migrate:up\n\n-- migrate:down\nDROP TABLE good;\n");
	ExpectRefused({"./migrations/0002_empty.sql:2: ", "up section is empty"});
}

TEST_F(BadFiles, InvalidUtf8NamesLine)
{
	WriteMigration("0001_good.sql", kGood);
	WriteMigration("0002_latin1.sql", "CREATE TABLE t (id int);\nCOMMENT ON TABLE t IS 'caf\xe9';\n");
	ExpectRefused({"./migrations/0002_latin1.sql:2: ", "UTF-8"});
}

TEST_F(BadFiles, NulByte)
{
	WriteMigration("0001_good.sql", kGood);
	WriteMigration("0002_nul.sql", std::string("SELECT 1;\n\0\n", 12));
	ExpectRefused({"./migrations/0002_nul.sql:2: ", "NUL"});
}

TEST_F(BadFiles, UnreadableFile)
{
	WriteMigration("0001_good.sql", kGood);
	/* a dangling symlink cannot be read even by root */
	ASSERT_EQ(symlink("/nonexistent/target.sql", (tmp_.Path() + "/migrations/0002_gone.sql").c_str()), 0);
	ExpectRefused({"./migrations/0002_gone.sql: cannot read the file"});
}

TEST_F(BadFiles, NonRegularFilesAreRefusedWithoutOpeningThem)
{
	WriteMigration("0001_good.sql", kGood);
	std::string dir = tmp_.Path() + "/migrations/";
	std::string fifo = dir + "0002_pipe.sql";
	ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
	/* a unix socket: open() fails, but the message must say what it is */
	int sock = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_GE(sock, 0);
	struct sockaddr_un addr = {};
	addr.sun_family = AF_UNIX;
	std::string sock_path = dir + "0003_sock.sql";
	ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
	std::strcpy(addr.sun_path, sock_path.c_str());
	ASSERT_EQ(bind(sock, reinterpret_cast<struct sockaddr *>(&addr), sizeof addr), 0) << std::strerror(errno);
	ASSERT_EQ(mkdir((dir + "0004_folder.sql").c_str(), 0700), 0);

	/*
	 * A writer that opens without blocking succeeds only while a reader has
	 * the FIFO open: then the client opened it (and would hang waiting for
	 * data). The watcher records that and closes again, so the client gets EOF
	 * and the test ends instead of hanging.
	 */
	std::atomic<bool> done{false}, opened{false};
	std::thread watcher([&] {
		while (!done) {
			int fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
			if (fd >= 0) {
				opened = true;
				close(fd);
			}
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
		}
	});
	ExpectRefused({"./migrations/0002_pipe.sql: not a regular file (it is a FIFO",
	               "./migrations/0003_sock.sql: not a regular file (it is a socket",
	               "./migrations/0004_folder.sql: not a regular file (it is a directory", "3 problems"});
	done = true;
	watcher.join();
	close(sock);
	EXPECT_FALSE(opened) << "the client opened the FIFO";
}

TEST_F(BadFiles, ControlCharactersInMigrationNames)
{
	WriteMigration("0001_good.sql", kGood);
	WriteMigration("0002_two\nlines.sql", "SELECT 2;\n");
	WriteMigration("0003_tab\there.sql", "SELECT 3;\n");
	WriteMigration("0004_esc\x1b[31m.sql", "SELECT 4;\n");
	WriteMigration("0005_del\x7f.sql", "SELECT 5;\n");
	WriteMigration("0006_next\xc2\x85line.sql", "SELECT 6;\n");         /* U+0085, a C1 control */
	WriteMigration("0007_caf\xc3\xa9_\xe2\x82\xac.sql", "SELECT 7;\n"); /* printable UTF-8 is fine */
	ExpectRefused({"./migrations/0002_two\\nlines.sql: migration name \"two\\nlines\" contains a newline (\\n)",
	               "./migrations/0003_tab\\there.sql: migration name \"tab\\there\" contains a tab (\\t)",
	               "./migrations/0004_esc\\x1B[31m.sql: migration name \"esc\\x1B[31m\" contains the control character "
	               "U+001B",
	               "./migrations/0005_del\\x7F.sql: migration name \"del\\x7F\" contains the control character U+007F",
	               "./migrations/0006_next\\u0085line.sql: migration name \"next\\u0085line\" contains the control "
	               "character U+0085",
	               "names may not contain control characters", "5 problems"});
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.err.find("0007_caf"), std::string::npos) << r.err;
	/* every problem stays on its own line */
	EXPECT_EQ(r.err.find('\t'), std::string::npos) << r.err;
	EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
	EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 6) << r.err;
}

TEST_F(BadFiles, ControlCharactersInToolLayoutNames)
{
	tmp_.Write("prisma/20260101000000_bad\tname/migration.sql", "SELECT 1;\n");
	tmp_.Write("prisma/migration_lock.toml", "provider = \"postgresql\"\n");
	ExpectRefused({"prisma/20260101000000_bad\\tname/migration.sql: migration name \"bad\\tname\" contains a tab"},
	              {"--layout", "prisma", "--dir", "prisma", "deploy"});
}

TEST_F(BadFiles, UnknownDirective)
{
	WriteMigration("0001_good.sql", kGood);
	WriteMigration("0002_typo.sql", "-- migrate:up\nSELECT 1;\n-- migrate:dwon\nSELECT 2;\n");
	ExpectRefused({"./migrations/0002_typo.sql:3: ", "unknown directive"});
}

TEST_F(BadFiles, ReportsEveryBadFile)
{
	WriteMigration("0001_good.sql", kGood);
	WriteMigration("0002_empty.sql", "-- migrate:up\n");
	WriteMigration("nover.sql", "SELECT 1;\n");
	ExpectRefused({"./migrations/0002_empty.sql", "./migrations/nover.sql", "2 problems"});
}

TEST_F(BadFiles, MissingDirectory)
{
	ExpectRefused({tmp_.Path() + "/nowhere: migrations directory does not exist"},
	              {"deploy", "--dir", tmp_.Path() + "/nowhere"});
}

TEST_F(BadFiles, ParentOfDirectoryIsAFile)
{
	tmp_.Write("somefile", "not a folder\n");
	ExpectRefused({tmp_.Path() + "/somefile/migrations: " + tmp_.Path() + "/somefile is not a directory"},
	              {"deploy", "--dir", tmp_.Path() + "/somefile/migrations"});
	/* relative, and as STREAM=PATH */
	ExpectRefused({"somefile/migrations: somefile is not a directory"}, {"deploy", "--dir", "somefile/migrations"});
	ExpectRefused({"somefile/x: somefile is not a directory"}, {"deploy", "--dir", "data=somefile/x"});
	RunResult r = Run({"deploy", "--dir", "somefile/migrations"});
	EXPECT_EQ(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST_F(BadFiles, ParentOfDirectoryCannotBeSearched)
{
	if (geteuid() == 0)
		GTEST_SKIP() << "root is not stopped by directory permissions";
	WriteMigration("0001_good.sql", kGood, "locked/migrations");
	std::string locked = tmp_.Path() + "/locked";
	ASSERT_EQ(chmod(locked.c_str(), 0600), 0);
	RunResult r = Run({"deploy", "--dir", locked + "/migrations"});
	chmod(locked.c_str(), 0700);
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find(locked + "/migrations: permission denied: the directory " + locked + " cannot be searched"),
	          std::string::npos)
	    << r.err;
	EXPECT_EQ(r.err.find("does not exist"), std::string::npos) << r.err;
	EXPECT_EQ(Registered(), 0);
}

TEST_F(BadFiles, BadDirStreamPrefixSaysWhatIsWrong)
{
	struct Case {
		std::string dir;
		std::vector<std::string> expected;
	};
	const std::vector<Case> cases = {
	    {"Bad-Stream=x",
	     {"--dir Bad-Stream=x: invalid stream name: stream name \"Bad-Stream\" must be 1 to 63 characters of a-z, "
	      "0-9, '_' or '-'",
	      "./a=b"}},
	    {"my data=db/data", {"--dir my data=db/data: invalid stream name", "1 to 63 characters of a-z"}},
	    {"=db/data", {"--dir =db/data: empty stream name before '='", "1 to 63 characters of a-z"}},
	    {"data=", {"--dir data=: empty path after 'data='"}},
	    {std::string(64, 'a') + "=x", {"invalid stream name", "1 to 63 characters"}},
	};
	for (const Case &c : cases) {
		RunResult r = Run({"deploy", "--dir", c.dir});
		EXPECT_EQ(r.exit_code, 2) << c.dir << ": " << r.All();
		for (const std::string &text : c.expected)
			EXPECT_NE(r.err.find(text), std::string::npos) << "missing \"" << text << "\" in:\n" << r.err;
		EXPECT_EQ(r.err.find("does not exist"), std::string::npos) << r.err;
	}
	EXPECT_EQ(Registered(), 0);
}

TEST_F(BadFiles, FolderWithEqualsInItsNameIsStillAPath)
{
	WriteMigration("0001_good.sql", kGood, "Odd=name");
	WriteMigration("0002_other.sql", "CREATE TABLE other (id int);\n", "sub/x=y");
	WriteMigration("0001_rows.sql", "INSERT INTO good VALUES (1);\n", "sub/p=q");
	/* an existing folder "Odd=name" (its prefix is no stream), "./sub/x=y" (a '/' first), data=./sub/p=q */
	RunResult r = Run({"deploy", "--dir", "Odd=name", "--dir", "./sub/x=y", "--dir", "data=./sub/p=q"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("good"));
	EXPECT_TRUE(db_->TableExists("other"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE stream = 'data'"), 1);
}

TEST_F(BadFiles, MissingDefaultMigrationsDirectory)
{
	/* no --dir and no ./migrations in the working directory */
	ExpectRefused({"./migrations: no migrations directory here", "--dir"});
	ExpectRefused({"./migrations: no migrations directory here"}, {"push"});
}

TEST_F(BadFiles, ServerRefusesStatementThatNeedsNoTransaction)
{
	/* the client's parser accepts it; the server's statement check refuses it (MG003) */
	WriteMigration("0001_good.sql", kGood);
	WriteMigration("0002_index.sql", "CREATE INDEX CONCURRENTLY good_id ON good (id);\n");
	ExpectRefused({"./migrations/0002_index.sql:1: CREATE INDEX CONCURRENTLY cannot run inside a transaction", "MG003",
	               "nothing was uploaded"});
	/* only the refused file is named */
	EXPECT_EQ(Run({"deploy"}).err.find("0001_good.sql"), std::string::npos);
}

TEST_F(BadFiles, ServerRefusesSyntaxError)
{
	WriteMigration("0001_good.sql", kGood);
	WriteMigration("0002_syntax.sql", "CREATE TABLE (;\n");
	RunResult r = Run({"deploy"});
	/* refused at registration (exit 2), or recorded as a failed migration (exit 1) */
	EXPECT_TRUE(r.exit_code == 2 || r.exit_code == 1) << r.All();
	EXPECT_NE(r.err.find("syntax error"), std::string::npos) << r.err;
	EXPECT_FALSE(db_->TableExists("good"));

	/* every refused file with its line and reason, the others not named */
	WriteMigration("0003_typo.sql", "-- migrate:up\nSELECT 1;\nSELEC 2;\n");
	ExpectRefused({"./migrations/0002_syntax.sql:1: syntax error at or near", "(SQLSTATE 42601)",
	               "./migrations/0003_typo.sql:3: syntax error at or near \"SELEC\"",
	               "the server refused 2 migration scripts; nothing was uploaded"});
	r = Run({"deploy"});
	EXPECT_EQ(r.err.find("0001_good.sql"), std::string::npos) << r.err;
	EXPECT_EQ(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST_F(BadFiles, BadDirStreamIsUsageError)
{
	RunResult r = Run({"deploy", "--dir", "Bad-Stream=x"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	r = Run({"deploy", "--no-such-option"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	r = Run({"frobnicate"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_EQ(Registered(), 0);
}

} // namespace

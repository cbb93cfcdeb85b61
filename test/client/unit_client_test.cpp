/* Unit tests of the client's pieces that need no server. */
#include "checksum.hpp"
#include "connection.hpp"
#include "conninfo.hpp"
#include "exit_codes.hpp"
#include "folder.hpp"
#include "output.hpp"
#include "rows.hpp"
#include "strings.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace pgmigrate::client;

namespace {

TEST(Checksum, Sha256HexKnownVectors)
{
	EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Conninfo, MasksUrlUserInfoAndQueryPassword)
{
	EXPECT_EQ(MaskPassword("postgresql://alice:s3cretpw@db:5432/app"), "postgresql://alice:****@db:5432/app");
	EXPECT_EQ(MaskPassword("postgres://alice@db/app?password=s3cretpw&sslmode=require"),
	          "postgres://alice@db/app?password=****&sslmode=require");
	EXPECT_EQ(MaskPassword("postgresql://alice@db/app"), "postgresql://alice@db/app");
	EXPECT_EQ(MaskPassword("postgresql://db/app"), "postgresql://db/app");
}

TEST(Conninfo, MasksKeywordConninfo)
{
	EXPECT_EQ(MaskPassword("host=db password=s3cretpw user=alice"), "host=db password=**** user=alice");
	EXPECT_EQ(MaskPassword("host=db password = 'a b\\'c' user=alice"), "host=db password = **** user=alice");
	EXPECT_EQ(MaskPassword("dbname=app"), "dbname=app");
}

TEST(Conninfo, MasksSslPassword)
{
	EXPECT_EQ(MaskPassword("host=db sslpassword=k3y password=pw"), "host=db sslpassword=**** password=****");
	EXPECT_EQ(MaskPassword("sslpassword = 'a b' user=alice"), "sslpassword = **** user=alice");
	EXPECT_EQ(MaskPassword("postgres://alice:pw@db/app?sslpassword=k3y&sslmode=require"),
	          "postgres://alice:****@db/app?sslpassword=****&sslmode=require");
	/* a key that only ends in "password" is not one */
	EXPECT_EQ(MaskPassword("host=db xpassword=visible"), "host=db xpassword=visible");
	EXPECT_EQ(Scrub("error for k3y", "host=db sslpassword=k3y"), "error for ****");
}

TEST(Conninfo, ScrubRemovesRawAndDecodedPasswords)
{
	std::string target = "postgresql://alice:s3cret%70w@db/app";
	std::string text = "bad URI \"" + target + "\"; also s3cretpw and s3cret%70w";
	std::string scrubbed = Scrub(text, target);
	EXPECT_EQ(scrubbed.find("s3cret"), std::string::npos) << scrubbed;
	EXPECT_NE(scrubbed.find("postgresql://alice:****@db/app"), std::string::npos) << scrubbed;
}

TEST(ExitCodes, SqlStates)
{
	EXPECT_EQ(ExitCodeForSqlState("MG001"), kExitValidation);
	EXPECT_EQ(ExitCodeForSqlState("MG004"), kExitValidation);
	EXPECT_EQ(ExitCodeForSqlState("MG006"), kExitValidation);
	EXPECT_EQ(ExitCodeForSqlState("MG009"), kExitValidation);
	EXPECT_EQ(ExitCodeForSqlState("MG002"), kExitUsage);
	EXPECT_EQ(ExitCodeForSqlState("MG003"), kExitUsage);
	EXPECT_EQ(ExitCodeForSqlState("08006"), kExitConnect);
	EXPECT_EQ(ExitCodeForSqlState("42P01"), kExitFailed);
}

TEST(TextArray, QuotesAndEscapesEveryElement)
{
	EXPECT_EQ(TextArrayLiteral({}), "{}");
	EXPECT_EQ(TextArrayLiteral({"a", "NULL", "x,y", "q\"b\\s", "{}"}), R"({"a","NULL","x,y","q\"b\\s","{}"})");
}

TEST(Table, RendersLikePsql)
{
	Table t;
	t.headers = {"stream", "version", "duration_ms"};
	t.right_aligned = {false, false, true};
	t.rows = {{"schema", "1", "3.500"}, {"data", "20260101120000", "12.000"}};
	EXPECT_EQ(t.Render(), " stream |    version     | duration_ms\n"
	                      "--------+----------------+-------------\n"
	                      " schema | 1              |       3.500\n"
	                      " data   | 20260101120000 |      12.000\n"
	                      "(2 rows)\n");
	Table empty;
	empty.headers = {"a"};
	EXPECT_EQ(empty.Render(), " a\n---\n(0 rows)\n");
}

TEST(Table, CountsUtf8CharactersNotBytes)
{
	Table t;
	t.headers = {"name", "x"};
	t.rows = {{"caf\xc3\xa9", "1"}, {"ab", "2"}};
	EXPECT_EQ(t.Render(), " name | x\n------+---\n caf\xc3\xa9 | 1\n ab   | 2\n(2 rows)\n");
}

TEST(DirSpecs, DefaultAndStreamPrefix)
{
	auto dirs = ParseDirSpecs({});
	ASSERT_EQ(dirs.size(), 1u);
	EXPECT_EQ(dirs[0].path, "./migrations");
	EXPECT_EQ(dirs[0].stream, "schema");
	EXPECT_TRUE(dirs[0].is_default);

	dirs = ParseDirSpecs({"data=db/data", "db/schema", "./odd=name"});
	ASSERT_EQ(dirs.size(), 3u);
	EXPECT_EQ(dirs[0].stream, "data");
	EXPECT_EQ(dirs[0].path, "db/data");
	EXPECT_EQ(dirs[1].stream, "schema");
	EXPECT_EQ(dirs[2].path, "./odd=name");
	EXPECT_THROW(ParseDirSpecs({"data="}), Failure);
}

class FolderTest : public ::testing::Test {
protected:
	void
	Write(const std::string &name, const std::string &content)
	{
		temp_.Write(name, content);
	}
	pgmtest::TempDir temp_{"pg_migrate_unit_"};
	const std::string dir_ = temp_.Path();
};

TEST_F(FolderTest, ReadsSortedSqlFilesWithStreamAndChecksum)
{
	Write("0002_b.sql", "-- migrate:stream data\nSELECT 2;\n");
	Write("0001_a.sql", "SELECT 1;\n");
	Write("README.md", "not a migration");
	Write(".0003_swap.sql", "editor leftover");
	FolderContents contents = ReadFolders(ParseDirSpecs({dir_}));
	ASSERT_TRUE(contents.problems.empty()) << contents.problems[0].ToString();
	ASSERT_EQ(contents.files.size(), 2u);
	EXPECT_EQ(contents.files[0].version, "0001");
	EXPECT_EQ(contents.files[0].name, "a");
	EXPECT_EQ(contents.files[0].stream, "schema");
	EXPECT_EQ(contents.files[0].path, dir_ + "/0001_a.sql");
	EXPECT_EQ(contents.files[0].checksum, Sha256Hex("SELECT 1;\n"));
	EXPECT_EQ(contents.files[1].stream, "data");
}

TEST_F(FolderTest, ProblemsNameFileAndLine)
{
	Write("0001_a.sql", "-- migrate:up\n\n");
	Write("0010_b.sql", "SELECT 1;\n");
	Write("10_c.sql", "SELECT 1;\n");
	FolderContents contents = ReadFolders(ParseDirSpecs({dir_}));
	ASSERT_EQ(contents.problems.size(), 2u);
	EXPECT_EQ(contents.problems[0].ToString().rfind(dir_ + "/0001_a.sql:2: ", 0), 0u)
	    << contents.problems[0].ToString();
	EXPECT_NE(contents.problems[1].ToString().find("0010_b.sql"), std::string::npos);
	EXPECT_EQ(contents.problems[1].path, dir_ + "/10_c.sql");
}

/* A folder large enough to be read on several threads keeps folder order, for files and problems alike. */
TEST_F(FolderTest, LargeFolderKeepsOrderOfFilesAndProblems)
{
	std::vector<std::string> bad;
	for (int i = 1; i <= 900; i++) {
		char name[32];
		std::snprintf(name, sizeof name, "%05d_m%d.sql", i, i);
		bool broken = i % 97 == 0;
		Write(name, broken ? "-- migrate:up\n\n" : "SELECT " + std::to_string(i) + ";\n");
		if (broken)
			bad.push_back(dir_ + "/" + name);
	}
	FolderContents contents = ReadFolders(ParseDirSpecs({dir_}));
	ASSERT_EQ(contents.files.size(), 900u - bad.size());
	int previous = 0;
	for (const MigrationFile &f : contents.files) {
		int version = std::stoi(f.version);
		EXPECT_GT(version, previous) << f.path;
		EXPECT_EQ(f.checksum, Sha256Hex("SELECT " + std::to_string(version) + ";\n"));
		previous = version;
	}
	ASSERT_EQ(contents.problems.size(), bad.size());
	for (std::size_t i = 0; i < bad.size(); i++)
		EXPECT_EQ(contents.problems[i].path, bad[i]);
}

} // namespace

namespace {

/* A PGresult built client-side: columns (name, type OID) and text rows, nullopt for NULL. */
Result
MakeResult(const std::vector<std::pair<std::string, Oid>> &columns,
           const std::vector<std::vector<std::optional<std::string>>> &rows)
{
	PGresult *raw = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
	std::vector<PGresAttDesc> attrs(columns.size());
	for (std::size_t c = 0; c < columns.size(); c++) {
		attrs[c] = PGresAttDesc{};
		attrs[c].name = const_cast<char *>(columns[c].first.c_str());
		attrs[c].typid = columns[c].second;
		attrs[c].typlen = -1;
		attrs[c].atttypmod = -1;
	}
	PQsetResultAttrs(raw, static_cast<int>(attrs.size()), attrs.data());
	for (std::size_t r = 0; r < rows.size(); r++)
		for (std::size_t c = 0; c < rows[r].size(); c++) {
			const auto &v = rows[r][c];
			PQsetvalue(raw, static_cast<int>(r), static_cast<int>(c), v ? const_cast<char *>(v->c_str()) : nullptr,
			           v ? static_cast<int>(v->size()) : -1);
		}
	return Result(raw);
}

TEST(RowsJsonText, TypesEscapesAndParses)
{
	Result result = MakeResult(
	    {{"name", 25}, {"n", 23}, {"ms", 701}, {"ok", 16}, {"x", 701}},
	    {{std::string("a\"b\\c\nd\x01"), std::string("42"), std::string("3.25"), std::string("t"), std::string("NaN")},
	     {std::nullopt, std::nullopt, std::string("1e+20"), std::string("f"), std::nullopt}});
	std::string text = RowsJsonText(result);
	nlohmann::json rows = nlohmann::json::parse(text);
	ASSERT_EQ(rows.size(), 2u);
	EXPECT_EQ(rows[0]["name"], "a\"b\\c\nd\x01");
	EXPECT_EQ(rows[0]["n"], 42);
	EXPECT_EQ(rows[0]["ms"], 3.25);
	EXPECT_EQ(rows[0]["ok"], true);
	EXPECT_EQ(rows[0]["x"], "NaN");
	EXPECT_TRUE(rows[1]["name"].is_null());
	EXPECT_EQ(rows[1]["ms"], 1e20);
	EXPECT_EQ(rows[1]["ok"], false);
	/* the same typing as the nlohmann path */
	EXPECT_EQ(rows[0], RowJson(result, 0));
	EXPECT_EQ(RowsJsonText(MakeResult({{"a", 25}}, {})), "[]");
}

TEST(Output, RawFragmentsAreSplicedIntoTheDocument)
{
	GlobalOptions options;
	options.format = Format::kJson;
	Output out(options);
	out.Doc()["command"] = "status";
	out.Doc()["a"] = out.Raw("[\n{\"x\":1}\n]");
	out.Doc()["b"] = {{"inner", out.Raw("[]")}};
	out.Doc()["c"] = "\x01pg_migrate raw JSON 7 is just text";
	/* even a value that copies a placeholder exactly but for the nonce stays text */
	std::string placeholder = out.Raw("[1]");
	out.Doc()["d"] = placeholder;
	out.Doc()["e"] = placeholder.substr(0, placeholder.rfind(' ')) + " 1x";
	testing::internal::CaptureStdout();
	out.Emit();
	std::string printed = testing::internal::GetCapturedStdout();
	nlohmann::json doc = nlohmann::json::parse(printed);
	EXPECT_EQ(doc["a"][0]["x"], 1);
	EXPECT_TRUE(doc["b"]["inner"].is_array());
	EXPECT_EQ(doc["c"], "\x01pg_migrate raw JSON 7 is just text");
	EXPECT_EQ(doc["d"], nlohmann::json::array({1}));
	EXPECT_TRUE(doc["e"].is_string());
}

TEST(Strings, ReplaceTrimAndLines)
{
	EXPECT_EQ(ReplaceAll("a\r\nb\r\n", "\r\n", "\n"), "a\nb\n");
	EXPECT_EQ(ReplaceAll("a\nb", "\n", "\r\n"), "a\r\nb");
	EXPECT_EQ(ReplaceAll("abc", "", "x"), "abc");
	EXPECT_EQ(Trim(" \t x y \r\n"), "x y");
	EXPECT_EQ(Trim(" \n"), "");
	EXPECT_EQ(TrimEnd("msg\n\r \n", "\n\r "), "msg");
	EXPECT_EQ(SplitLines("a\n\nb"), (std::vector<std::string>{"a", "", "b"}));
	EXPECT_EQ(SplitLines("a\n"), (std::vector<std::string>{"a"}));
	EXPECT_TRUE(SplitLines("").empty());
	EXPECT_EQ(PrefixLines("- ", "x\ny"), "- x\n- y\n");
}

} // namespace

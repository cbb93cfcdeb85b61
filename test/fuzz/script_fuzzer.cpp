/*
 * script_fuzzer.cpp — libFuzzer target for the pg_migrate file-format parser
 * (extension/script.cpp), which runs inside the server and in the client.
 *
 * The whole input is parsed as a migration script; its first two lines are
 * also used as a file name and as a pair of versions. Every ScriptError is an
 * expected outcome. A crash, a sanitizer report, any other exception (it
 * escapes and aborts) or a broken invariant (checked with Require) is a bug.
 * Build with test/fuzz/build.sh; see test/fuzz/README.md.
 */
#include "script.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace pgmigrate;

namespace {

void
Require(bool ok, const char *what)
{
	if (!ok) {
		std::fprintf(stderr, "script_fuzzer: invariant broken: %s\n", what);
		std::abort();
	}
}

/* Line n (0-based) of text, without its newline; empty past the end. */
std::string_view
LineOf(std::string_view text, int n)
{
	std::size_t start = 0;
	for (int i = 0; i < n; i++) {
		std::size_t nl = text.find('\n', start);
		if (nl == std::string_view::npos)
			return {};
		start = nl + 1;
	}
	std::size_t nl = text.find('\n', start);
	return text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
}

/* True when text is a substring of whole (sections are copied from the file byte for byte). */
bool
Within(std::string_view whole, const std::string &text)
{
	return text.empty() || whole.find(text) != std::string_view::npos;
}

void
FuzzScript(std::string_view text)
{
	std::size_t bad = 0;
	bool clean = IsCleanUtf8(text, &bad);
	Require(clean || bad < text.size(), "IsCleanUtf8 reports an offset past the end");
	Script s;
	try {
		s = ParseScript(text, "schema");
	} catch (const ScriptError &e) {
		Require(e.line >= 0, "ScriptError with a negative line");
		return;
	}
	Require(clean, "a script with a NUL byte or invalid UTF-8 was accepted");
	Require(s.up.present && s.up.first_line >= 1, "accepted script without an up section");
	Require(Within(text, s.up.sql) && Within(text, s.down.sql) && Within(text, s.verify.sql),
	        "section text is not a part of the file");
	if (!s.stream.empty())
		CheckStreamName(s.stream); /* throws ScriptError: escapes, caught by the caller as a bug */
	for (const auto &r : s.requires_) {
		std::size_t colon = r.find(':');
		Require(colon != std::string::npos, "requires entry without a stream");
		CheckStreamName(std::string_view(r).substr(0, colon));
		VersionKey(std::string_view(r).substr(colon + 1));
	}
	if (!s.db_version.empty())
		SemanticVersionKey(s.db_version);
}

void
FuzzVersions(std::string_view a, std::string_view b)
{
	try {
		ParseFileName(a);
	} catch (const ScriptError &) {
	}
	std::string ka, kb;
	try {
		ka = VersionKey(a);
	} catch (const ScriptError &) {
	}
	try {
		kb = VersionKey(b);
	} catch (const ScriptError &) {
	}
	if (!ka.empty() && !kb.empty()) {
		int ab = CompareVersions(a, b), ba = CompareVersions(b, a);
		Require((ab < 0) == (ba > 0) && (ab == 0) == (ba == 0), "CompareVersions is not antisymmetric");
		Require((ab == 0) == (ka == kb), "CompareVersions disagrees with VersionKey");
		Require(CompareVersions(a, a) == 0, "a version differs from itself");
		std::string sa = SemanticVersionKey(a);
		Require(ka.compare(0, sa.size(), sa) == 0, "SemanticVersionKey is not a prefix of VersionKey");
	} else if (!ka.empty()) {
		Require(CompareVersions(a, a) == 0, "a version differs from itself");
	}
	try {
		ParseFileName(std::string(a) + "_" + std::string(b) + ".sql");
	} catch (const ScriptError &) {
	}
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);
	try {
		FuzzScript(text);
		FuzzVersions(LineOf(text, 0), LineOf(text, 1));
	} catch (const ScriptError &e) {
		/* Only the checks above may get here: they call functions on values the parser accepted. */
		std::fprintf(stderr, "script_fuzzer: parser accepted a value it then refuses: %s\n", e.what());
		std::abort();
	}
	return 0;
}

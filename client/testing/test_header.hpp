/*
 * test_header.hpp — the line that says where a user test runs:
 *
 *   -- migrate:test before=schema:20260105120000 after=schema:20260107090000   (sql/NAME.sql)
 *   # migrate:test before=schema:20260105120000                                 (specs/NAME.spec)
 *
 * before: the scratch database has the history applied up to and including
 * that migration when the file starts (default: nothing applied). after: what
 * the -- migrate:apply marker applies up to (default: the whole history).
 * STREAM: may be left out (schema).
 */
#pragma once

#include <optional>
#include <string>

namespace pgmigrate::client::testing {

struct TestHeader {
	std::optional<std::string> before, after; /* STREAM:VERSION */
	int line = 0;                             /* 1-based; 0: the file has no header */
};

/* comment is "--" or "#". Throws std::runtime_error("line N: ...") for a malformed header. */
TestHeader ParseTestHeader(const std::string &content, const std::string &comment);

} // namespace pgmigrate::client::testing

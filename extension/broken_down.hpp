/*
 * broken_down.hpp — down sections the server's parser refuses.
 *
 * Real histories carry down sections nobody ever ran, some of them broken.
 * Such a migration is registered anyway, so its up can be deployed, and the
 * problem stays visible: a WARNING when it is registered or applied, a
 * validate() row (check broken-down), and a refused rollback naming the file
 * and line. Up and verify sections stay strict.
 *
 * In the catalog a broken down is stored as no down (down_sql NULL) with its
 * section line kept (down_line NOT NULL), a pair register() writes for
 * nothing else; the text itself stays in the stored script, where the error
 * is found again when it has to be shown.
 */
#pragma once

#include "catalog.hpp"
#include "statements.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pgmigrate {

/* Why a down section does not parse: the file line and the parser's message. */
struct DownSyntaxError {
	int line = 0;
	std::string message;
};

/*
 * The parser's error for the section, or nullopt when it parses; then its
 * statements go to *statements when given, so the caller need not split it
 * again. A cancel still propagates.
 */
std::optional<DownSyntaxError> FindDownSyntaxError(const std::string &sql, const SectionOrigin &origin,
                                                   std::optional<std::vector<Statement>> *statements = nullptr);

/* "FILE:LINE: the down section does not parse: MESSAGE" */
std::string DescribeDownSyntaxError(const std::string &file, const DownSyntaxError &error);

/* Whether the stored migration was registered with a down section that does not parse. */
bool HasBrokenDown(const Migration &m);

/* DescribeDownSyntaxError of a stored migration with a broken down, parsed again from its stored script. */
std::string DescribeBrokenDown(const Migration &m);

/* Every registered migration whose down section does not parse, in apply order (without SQL texts). */
std::vector<Migration> MigrationsWithBrokenDown();

} // namespace pgmigrate

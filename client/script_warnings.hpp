/*
 * script_warnings.hpp — the server's warnings about scripts it accepted anyway.
 *
 * register() and apply() send a WARNING with SQLSTATE MG002 for a migration
 * whose down section does not parse (it is registered so its up can be
 * deployed; its rollback is refused): "FILE:LINE: the down section does not
 * parse: MESSAGE; ...". Every command shows it, as a lint-style warning.
 */
#pragma once

#include "connection.hpp"
#include "output.hpp"

namespace pgmigrate::client {

/*
 * When notice is such a warning: prints it as "file:line: warning:
 * broken-down: message" (stderr, not with -q), appends it to the JSON
 * document's "warnings" array as a lint finding, and returns true.
 */
bool ShowScriptWarning(const Notice &notice, Output &out);

} // namespace pgmigrate::client

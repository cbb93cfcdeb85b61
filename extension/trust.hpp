/*
 * trust.hpp — the trust boundary: stored migration text runs with the
 * privileges of the role that wrote it, never more.
 *
 * A migration's up/down/verify text was written by the role that last
 * registered or repaired it, or vouched for by the role whose apply() named
 * its checksum (that role holds the same file). Whoever runs it — apply(),
 * rollback(), verify(), retry(), the background runner on behalf of the
 * role that queued it — must be that role or one whose privileges it has;
 * a more privileged caller is refused with MG010 before anything runs, so an
 * EXECUTE-only deployer can never make a superuser's deploy run its SQL.
 */
#pragma once

#include "catalog.hpp"

namespace pgmigrate {

/* Refuses (MG010) running m's `section` text as `runner` unless m's author has runner's privileges. */
void RequireTrustedAuthor(const Migration &m, Oid runner, const char *section);

/*
 * Refuses (MG003) queueing work the background runner could never start:
 * it connects as the session user and becomes the current role, which a
 * SECURITY DEFINER function's owner may be out of the session user's reach.
 */
void RequireRunnerCanBecome(Oid session_user, Oid role, const char *what);

} // namespace pgmigrate

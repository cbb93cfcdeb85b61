/* trust.cpp — the author check of trust.hpp. */
#include "trust.hpp"

namespace pgmigrate {

void
RequireTrustedAuthor(const Migration &m, Oid runner, const char *section)
{
	if (pg::HasPrivilegesOf(m.author, runner))
		return;
	std::string author =
	    OidIsValid(m.author) ? pg::RoleName(m.author) : m.author_name + " (a role that no longer exists)";
	std::string runner_name = pg::RoleName(runner);
	throw MigrateError(MG_UNTRUSTED_AUTHOR,
	                   "migration " + m.Label() + " was written by role " + author +
	                       ", which lacks the privileges of " + runner_name + "; its " + section +
	                       " section is not run as " + runner_name,
	                   "stored text runs with the privileges of the role that wrote it, never more",
	                   "Re-register it yourself from the file (pg_migrate deploy as " + runner_name +
	                       ", or SELECT migrate.register(...)), or let " + author + " run it.");
}

void
RequireRunnerCanBecome(Oid session_user, Oid role, const char *what)
{
	if (pg::CanBecome(session_user, role))
		return;
	throw MigrateError(MG_NOT_ALLOWED_HERE,
	                   std::string(what) + " runs as role " + pg::RoleName(role) +
	                       " (a SECURITY DEFINER function?), "
	                       "which the session user " +
	                       pg::RoleName(session_user) +
	                       " cannot become; the background runner "
	                       "could never start this step",
	                   "the runner connects as the session user and sets the role that queued the work",
	                   "Call it directly as a role the session user can SET ROLE to, not through a SECURITY DEFINER "
	                   "wrapper.");
}

} // namespace pgmigrate

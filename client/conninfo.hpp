/*
 * conninfo.hpp — keeping passwords out of everything the client prints.
 *
 * A connection target (URL or key=value conninfo) may carry a password, and
 * libpq echoes a malformed URL whole in its error message. Anything derived
 * from the target goes through Mask or Scrub before it is printed.
 */
#pragma once

#include <string>
#include <vector>

namespace pgmigrate::client {

/* The target with every password replaced by "****" (URL user info, ?password=, password=, sslpassword=). */
std::string MaskPassword(const std::string &target);

/* The passwords written in target, raw and percent-decoded; empty when none. */
std::vector<std::string> PasswordsIn(const std::string &target);

/*
 * Overwrites, in place, the bytes of every password (and sslpassword) in the
 * NUL-terminated target with 'x'; used on argv, so that ps and
 * /proc/PID/cmdline do not show them while the client runs.
 */
void OverwritePasswords(char *target);

/* text with the target replaced by its masked form and every password in it replaced by "****". */
std::string Scrub(std::string text, const std::string &target);

} // namespace pgmigrate::client

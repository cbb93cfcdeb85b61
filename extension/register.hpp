/*
 * register.hpp — migrate.register().
 */
#pragma once

#include <string>
#include <vector>

namespace pgmigrate {

struct RegisterRequest {
	std::string stream, version, name, script, source;
};

struct NewMigration;

/* Parses and checks a script as register() does, without storing it. Throws MG002/MG003. */
NewMigration ParseMigration(const RegisterRequest &req);

/* A WARNING (MG002) naming file and line when the script's down section does not parse. */
void WarnBrokenDown(const NewMigration &m);

/* Stores the migration; returns "new", "unchanged" or "updated". Throws MG001/MG002/MG003. */
std::string RegisterMigration(const RegisterRequest &req);

/*
 * register_many(): the same for each request, in order, as one call (one
 * lookup, one insert of the new rows); the outcomes in request order. The
 * first refused request refuses the call.
 */
std::vector<std::string> RegisterMigrations(const std::vector<RegisterRequest> &requests);

} // namespace pgmigrate

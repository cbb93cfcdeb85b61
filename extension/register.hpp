/*
 * register.hpp — migrate.register().
 */
#pragma once

#include <string>

namespace pgmigrate {

struct RegisterRequest {
	std::string stream, version, name, script, source;
};

/* Stores the migration; returns "new", "unchanged" or "updated". Throws MG001/MG002/MG003. */
std::string RegisterMigration(const RegisterRequest &req);

} // namespace pgmigrate

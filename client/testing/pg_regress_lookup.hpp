/*
 * pg_regress_lookup.hpp — finding pg_regress and pg_isolation_regress as a
 * user's machine has them. In order:
 *
 *   1. --pg-regress PATH (pg_isolation_regress is then looked for next to it,
 *      in ../isolation/, as PostgreSQL installs them, or in the same folder);
 *   2. $PG_REGRESS (and $PG_ISOLATION_REGRESS);
 *   3. $(pg_config --pkglibdir)/pgxs/src/test/{regress,isolation}/, with
 *      pg_config from $PG_CONFIG, else PATH;
 *   4. pg_regress on PATH;
 *   5. Debian/Ubuntu's /usr/lib/postgresql/<server major>/lib/pgxs/..., then
 *      the other majors there, newest first.
 *
 * Debian and Ubuntu ship both programs in postgresql-client-NN; PGDG RPMs
 * in postgresqlNN-devel (pgxs); a source build installs them with make install.
 */
#pragma once

#include <string>

namespace pgmigrate::client::testing {

struct RegressPrograms {
	std::string pg_regress;           /* empty: not found */
	std::string pg_isolation_regress; /* empty: not found */
	std::string looked;               /* where we looked, for the error message */
};

RegressPrograms FindRegressPrograms(const std::string &given, int server_major);

} // namespace pgmigrate::client::testing

/*
 * managed_catalog.hpp — the pg_migrate catalog without the extension
 * (managed mode): the extension's own scripts, embedded at build time
 * (cmake/embed_catalog.cmake), run as plain SQL by the connecting role with
 * what needs the C library left out; and the adoption of such a catalog by
 * CREATE EXTENSION where the server allows it later.
 */
#pragma once

#include "connection.hpp"
#include "output.hpp"

#include <string>
#include <vector>

namespace pgmigrate::client {

/* One extension script: from "" (the base script) or an upgrade from -> to. */
struct CatalogScript {
	const char *from, *to, *text;
};
const std::vector<CatalogScript> &CatalogScripts();
extern const char *const kCatalogDefaultVersion;

/* The catalog version a managed catalog records; "" when the database has none. */
std::string ManagedCatalogVersion(Connection &conn);

/*
 * Creates the managed catalog, or brings an older one to this build's
 * version, in one transaction (the caller holds the install lock); returns
 * the version installed. Refuses a schema migrate that is no pg_migrate
 * catalog (exit 3).
 */
std::string InstallManagedCatalog(Connection &conn, Output &out);

/*
 * Replaces a managed catalog by the extension, keeping every row: schema
 * migrate is renamed away, CREATE EXTENSION makes a new one, the rows are
 * copied table by table, the old schema dropped. Returns a summary.
 */
std::string AdoptManagedCatalog(Connection &conn);

} // namespace pgmigrate::client

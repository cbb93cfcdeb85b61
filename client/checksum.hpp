/*
 * checksum.hpp — the checksum of a migration file.
 *
 * Must equal the server's migrate.migrations.checksum for the same content,
 * so the client can tell which files changed without uploading them.
 */
#pragma once

#include <string>
#include <string_view>

namespace pgmigrate::client {

/* SHA-256 of the bytes as lowercase hex. */
std::string Sha256Hex(std::string_view bytes);

} // namespace pgmigrate::client

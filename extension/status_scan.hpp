/*
 * status_scan.hpp — migrate.status()'s rows read straight from the catalog's
 * (stream, version_key) index.
 *
 * The index already holds each stream's migrations in apply order, so
 * reading it stream by stream needs no planner, no sort and no SPI copy; at
 * 10 000 migrations that is most of status()'s cost (and of a deploy's first
 * round trip).
 */
#pragma once

#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
#include "fmgr.h"
}

namespace pgmigrate {

/*
 * Appends the status() rows of each stream in streams (in that order) to
 * fcinfo's materialized result: state as stored, progress NULL (the idle-runner
 * case). False, with nothing appended, when the catalog index is not the one
 * expected, so the caller can fall back to a query.
 */
bool ScanStatusInto(FunctionCallInfo fcinfo, const std::vector<std::string> &streams);

} // namespace pgmigrate

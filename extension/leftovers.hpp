/*
 * leftovers.hpp — what a failed CREATE INDEX CONCURRENTLY leaves behind.
 */
#pragma once

#include "catalog.hpp"

#include <string>
#include <vector>

namespace pgmigrate {

/* Qualified names of INVALID indexes that m's CONCURRENTLY statements build. */
std::vector<std::string> InvalidIndexesLeftBy(const Migration &m);

} // namespace pgmigrate

/*
 * tokens.hpp — PostgreSQL's own SQL scanner, for what needs tokens rather
 * than a parse tree: long identifiers (lint) and string literals (drift).
 *
 * Token numbers come from the grammar's gram.h, which servers from 18 on no
 * longer install; they are read off the scanner itself by scanning a sample.
 */
#pragma once

#include <string>

namespace pgmigrate {

/* The token number the core scanner gives the first token of sample (call inside pg::Call). */
int TokenOf(const char *sample);

/*
 * sql with every string constant ('...', E'...', $$...$$, U&'...', B'...',
 * X'...') replaced by '***': DDL text kept for others to read may hold
 * passwords (CREATE USER MAPPING ... OPTIONS (password '...'), ALTER ROLE
 * ... PASSWORD '...'). Text the scanner cannot read is not shown at all.
 * Guarded: safe to call from C++.
 */
std::string MaskStringLiterals(const std::string &sql);

} // namespace pgmigrate

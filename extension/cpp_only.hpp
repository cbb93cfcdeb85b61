/*
 * cpp_only.hpp — included last by every pure C++ file of the extension (the
 * ones the client compiles too, such as script.cpp): the build fails when
 * such a file sees PostgreSQL's server headers, directly or through another
 * header, so the engine/host boundary is the compiler's to keep, not a
 * reviewer's. The files that may include PostgreSQL headers are listed in
 * CONTRIBUTING.md ("The C++ / PostgreSQL boundary").
 */
#pragma once

#if defined(POSTGRES_H) || defined(C_H) || defined(FMGR_H)
#error "a pure C++ file of pg_migrate includes PostgreSQL's server headers; move that code to a PostgreSQL-facing file"
#endif

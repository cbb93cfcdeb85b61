# PGXS build of the pg_migrate extension (make, make install, make installcheck).
# The client and its tests are built by CMakeLists.txt.

EXTENSION    = pg_migrate
EXTVERSION   = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" pg_migrate.control)
MODULE_big   = pg_migrate
OBJS         = $(patsubst %.cpp,%.o,$(wildcard extension/*.cpp))
DATA         = $(wildcard extension/pg_migrate--*.sql)

REGRESS      = register script_errors apply_atomic error_context dry_run status_history security rollback verify_validate resolve_baseline db_version runner lint drift upgrade lint_corpus
REGRESS_OPTS = --inputdir=.
ISOLATION    = $(basename $(notdir $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test

PG_CPPFLAGS  = -DPG_MIGRATE_VERSION='"$(EXTVERSION)"'
PG_CXXFLAGS  = -std=c++17 -Wall -Wextra -Wno-register -Wno-unused-parameter -Wno-missing-field-initializers
SHLIB_LINK  += -lstdc++

# No JIT bitcode: nothing of pg_migrate runs inside JIT-compiled expressions,
# and skipping it drops the clang/llvm build dependency. Should someone build
# with with_llvm=yes anyway: the bitcode rule ignores PG_CXXFLAGS, hence the
# second line.
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

COMPILE.cxx.bc += $(PG_CXXFLAGS)


# PGXS tracks header dependencies only for --enable-depend builds; track ours.
override CXXFLAGS += -MMD -MP
-include $(wildcard extension/*.d)
EXTRA_CLEAN = extension/*.d

# The version is compiled in: rebuild when it changes.
$(OBJS): pg_migrate.control

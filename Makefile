# PGXS build of the pg_migrate extension (make, make install, make installcheck).
# The client and its tests are built by CMakeLists.txt.
#
# One build directory per PostgreSQL major (scripts/build_extension.sh):
#   make -C build/ext-18 -f ../../Makefile VPATH=../.. PG_CONFIG=.../pg_config install
# Tests run from the source tree, writing their results elsewhere:
#   make installcheck PG_CONFIG=... PG_MIGRATE_OUT=build/ext-18
# ERROR_ON_WARNING=1 makes compiler warnings errors (the test command sets it).
# make format / make format-check: clang-format over the C++ sources.

root        := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
EXTENSION    = pg_migrate
EXTVERSION   = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(root)/pg_migrate.control)
MODULE_big   = pg_migrate
OBJS         = $(patsubst $(root)/%.cpp,%.o,$(wildcard $(root)/extension/*.cpp))
DATA         = $(patsubst $(root)/%,%,$(wildcard $(root)/extension/pg_migrate--*.sql))

ifdef VPATH
# Make would take the source tree's objects (another major's) through VPATH.
ifneq ($(wildcard $(root)/extension/*.o),)
$(error the source tree holds objects of an in-tree build; run "make clean" there before building into $(CURDIR))
endif
$(shell mkdir -p extension)
endif

REGRESS      = register register_many broken_down script_errors apply_atomic apply_verify apply_settings apply_refusals error_context dry_run status_history security rollback verify_validate resolve_baseline db_version runner lint drift upgrade lint_corpus pg_versions trust statement_rules fingerprint transaction_policy lint_here server_decides
PG_MIGRATE_OUT ?= .
REGRESS_OPTS = --inputdir=. --outputdir=$(PG_MIGRATE_OUT)
ISOLATION    = $(basename $(notdir $(wildcard $(root)/test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --outputdir=$(PG_MIGRATE_OUT)/output_iso

PG_CPPFLAGS  = -DPG_MIGRATE_VERSION='"$(EXTVERSION)"'
PG_CXXFLAGS  = -std=c++17 -Wall -Wextra -Wno-register -Wno-unused-parameter -Wno-missing-field-initializers
SHLIB_LINK  += -lstdc++
ifeq ($(ERROR_ON_WARNING),1)
PG_CXXFLAGS += -Werror
endif

# No JIT bitcode: nothing of pg_migrate runs inside JIT-compiled expressions,
# and skipping it drops the clang/llvm build dependency. Should someone build
# with with_llvm=yes anyway: the bitcode rule ignores PG_CXXFLAGS, hence the
# second line.
override with_llvm = no

FORMAT_SOURCES = $(sort $(shell find $(root)/extension $(root)/client $(root)/test -name '*.cpp' -o -name '*.hpp'))
FORMAT_GOALS   = format format-check

# The format targets need no PostgreSQL.
ifneq ($(filter-out $(FORMAT_GOALS),$(or $(MAKECMDGOALS),all)),)
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
endif

COMPILE.cxx.bc += $(PG_CXXFLAGS)


# PGXS tracks header dependencies only for --enable-depend builds; track ours.
override CXXFLAGS += -MMD -MP
-include $(wildcard extension/*.d)
EXTRA_CLEAN = extension/*.d

# The version is compiled in: rebuild when it changes.
$(OBJS): $(root)/pg_migrate.control

.PHONY: format format-check
format:
	clang-format -i $(FORMAT_SOURCES)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SOURCES)
	@echo "ok: $(words $(FORMAT_SOURCES)) files clang-format clean"

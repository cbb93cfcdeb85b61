/* scratch_memory.cpp — pg::ScratchMemory (pg_api.hpp): memory contexts, alike in the server and in libpg_query. */
#include "pg_api.hpp"

extern "C" {
#include "utils/memutils.h"
}

namespace pgmigrate {
namespace pg {

ScratchMemory::ScratchMemory()
    : context_(Call(
          [] { return AllocSetContextCreate(CurrentMemoryContext, "pg_migrate scratch", ALLOCSET_DEFAULT_SIZES); }))
{}

MemoryContext
ScratchMemory::Enter()
{
	return MemoryContextSwitchTo(context_);
}

void
ScratchMemory::Empty()
{
	MemoryContextReset(context_);
}

} // namespace pg
} // namespace pgmigrate

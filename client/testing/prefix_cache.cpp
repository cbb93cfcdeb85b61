/* prefix_cache.cpp — see prefix_cache.hpp. */
#include "prefix_cache.hpp"

namespace pgmigrate::client::testing {

PrefixCache::PrefixCache(ScratchServer &server, const std::vector<PlannedMigration> &plan, std::string base,
                         bool enabled)
    : server_(server), plan_(plan), enabled_(enabled)
{
	templates_[0] = base;
	by_key_[PrefixKey(plan_, 0)] = base;
}

std::string
PrefixCache::TemplateAt(std::size_t n)
{
	std::string key = PrefixKey(plan_, n);
	auto cached = by_key_.find(key);
	if (cached != by_key_.end())
		return cached->second;
	auto below = templates_.lower_bound(n);
	--below; /* prefix 0 is always there */
	std::string name = server_.Create("prefix_" + std::to_string(n), below->second);
	{
		Connection conn = server_.Open(name);
		ApplyRange(conn, plan_, below->first, n);
	} /* disconnected: a template must have no sessions when it is copied */
	templates_[n] = name;
	by_key_[key] = name;
	return name;
}

std::string
PrefixCache::NewDatabaseAt(std::size_t n, const std::string &label)
{
	if (enabled_)
		return server_.Create(label, TemplateAt(n));
	std::string name = server_.Create(label, templates_[0]);
	Connection conn = server_.Open(name);
	ApplyRange(conn, plan_, 0, n);
	return name;
}

} // namespace pgmigrate::client::testing

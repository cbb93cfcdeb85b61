/*
 * enum_names.hpp — an enum's constant table of names (layouts, adopt tools):
 * one table gives the name of a value, the value of a name, and the list
 * CLI11's IsMember checks.
 */
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pgmigrate::client {

template <class Enum> struct EnumName {
	Enum value;
	const char *name;
};

/* The name of value in table; fallback when the table lacks it. */
template <class Enum, std::size_t N>
const char *
NameOf(const EnumName<Enum> (&table)[N], Enum value, const char *fallback)
{
	for (const EnumName<Enum> &entry : table)
		if (entry.value == value)
			return entry.name;
	return fallback;
}

/* False for a name that is not in table. */
template <class Enum, std::size_t N>
bool
ValueOf(const EnumName<Enum> (&table)[N], const std::string &name, Enum *value)
{
	for (const EnumName<Enum> &entry : table) {
		if (name == entry.name) {
			*value = entry.value;
			return true;
		}
	}
	return false;
}

/* Every name, in table order. */
template <class Enum, std::size_t N>
std::vector<std::string>
NamesOf(const EnumName<Enum> (&table)[N])
{
	std::vector<std::string> names;
	for (const EnumName<Enum> &entry : table)
		names.emplace_back(entry.name);
	return names;
}

} // namespace pgmigrate::client

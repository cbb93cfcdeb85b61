/* stream_selection.cpp — which streams one apply() call works on (see stream_selection.hpp). */
#include "stream_selection.hpp"

#include <algorithm>

#include "cpp_only.hpp"

namespace pgmigrate {

const std::vector<std::string> StreamSelection::kNone;

StreamSelection
StreamSelection::One(const std::optional<std::string> &stream)
{
	StreamSelection s;
	if (stream)
		s.only_ = std::vector<std::string>{*stream};
	return s;
}

StreamSelection
StreamSelection::Lists(std::optional<std::vector<std::string>> only, std::optional<std::vector<std::string>> skip)
{
	StreamSelection s;
	s.only_ = std::move(only);
	if (skip)
		s.skip_ = std::move(*skip);
	return s;
}

bool
StreamSelection::Selects(const std::string &stream) const
{
	auto has = [&](const std::vector<std::string> &list) {
		return std::find(list.begin(), list.end(), stream) != list.end();
	};
	return (!only_ || has(*only_)) && !has(skip_);
}

std::optional<std::string>
StreamSelection::Single() const
{
	if (!only_ || only_->size() != 1 || !Selects(only_->front()))
		return std::nullopt;
	return only_->front();
}

} // namespace pgmigrate

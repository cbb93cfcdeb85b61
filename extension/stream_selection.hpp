/*
 * stream_selection.hpp — which streams one apply() call works on.
 *
 * apply(stream => S) selects one stream; apply(streams => ARRAY[...],
 * skip_streams => ARRAY[...]) selects those streams (NULL: all) minus the
 * skipped ones. The plan then takes the selected streams' pending
 * migrations in stream position order, as one batch: the order a deploy of
 * several streams needs is the server's to choose, not the client's.
 */
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pgmigrate {

class StreamSelection {
public:
	StreamSelection() = default;
	/* Exactly one stream (apply(stream => S)); none given: every stream. */
	static StreamSelection One(const std::optional<std::string> &stream);
	/* streams (NULL: every stream) minus skip_streams (NULL: none). */
	static StreamSelection Lists(std::optional<std::vector<std::string>> only,
	                             std::optional<std::vector<std::string>> skip);

	bool Selects(const std::string &stream) const;
	/* The streams named to be selected; empty when every stream is (before skipping). */
	const std::vector<std::string> &
	Named() const
	{
		return only_ ? *only_ : kNone;
	}
	/* The one stream to load when the selection is exactly one named stream, else nullopt (load all, then filter). */
	std::optional<std::string> Single() const;
	bool
	All() const
	{
		return !only_ && skip_.empty();
	}

private:
	static const std::vector<std::string> kNone;
	std::optional<std::vector<std::string>> only_;
	std::vector<std::string> skip_;
};

} // namespace pgmigrate

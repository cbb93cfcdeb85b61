/* test_header.cpp — see test_header.hpp. */
#include "test_header.hpp"

#include <sstream>
#include <stdexcept>

namespace pgmigrate::client::testing {

TestHeader
ParseTestHeader(const std::string &content, const std::string &comment)
{
	TestHeader header;
	std::istringstream in(content);
	std::string line;
	const std::string marker = comment + " migrate:test";
	for (int number = 1; std::getline(in, line); number++) {
		if (line.compare(0, marker.size(), marker) != 0)
			continue;
		header.line = number;
		std::istringstream words(line.substr(marker.size()));
		std::string word;
		while (words >> word) {
			std::size_t eq = word.find('=');
			std::string key = word.substr(0, eq);
			if (eq == std::string::npos || eq + 1 == word.size() || (key != "before" && key != "after"))
				throw std::runtime_error("line " + std::to_string(number) + ": \"" + word +
				                         "\" is not before=STREAM:VERSION or after=STREAM:VERSION");
			(key == "before" ? header.before : header.after) = word.substr(eq + 1);
		}
		return header;
	}
	return header;
}

} // namespace pgmigrate::client::testing

/* output.cpp — text tables and the stdout/stderr/JSON split (see output.hpp). */
#include "output.hpp"

#include <algorithm>
#include <iostream>

namespace pgmigrate::client {

namespace {

/* Display width: UTF-8 code points (continuation bytes take no column). */
std::size_t
Width(const std::string &s)
{
	return static_cast<std::size_t>(
	    std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

/* Control characters would break the alignment; a table cell shows them as spaces. */
std::string
Clean(const std::string &s)
{
	std::string out = s;
	for (char &c : out)
		if (static_cast<unsigned char>(c) < 0x20)
			c = ' ';
	return out;
}

std::string
Pad(const std::string &s, std::size_t width, bool right)
{
	std::size_t w = Width(s);
	std::string fill(w < width ? width - w : 0, ' ');
	return right ? fill + s : s + fill;
}

std::string
Center(const std::string &s, std::size_t width)
{
	std::size_t w = Width(s);
	std::size_t total = w < width ? width - w : 0;
	return std::string(total / 2, ' ') + s + std::string(total - total / 2, ' ');
}

void
RightTrim(std::string *line)
{
	while (!line->empty() && line->back() == ' ')
		line->pop_back();
}

void
WriteLine(std::ostream &stream, const std::string &text)
{
	stream << text;
	if (text.empty() || text.back() != '\n')
		stream << '\n';
	stream.flush();
}

} // namespace

std::string
Table::Render() const
{
	std::size_t columns = headers.size();
	std::vector<std::vector<std::string>> cells;
	cells.reserve(rows.size());
	std::vector<std::size_t> widths(columns);
	for (std::size_t c = 0; c < columns; c++)
		widths[c] = Width(headers[c]);
	for (const auto &row : rows) {
		std::vector<std::string> clean;
		for (std::size_t c = 0; c < columns; c++) {
			clean.push_back(c < row.size() ? Clean(row[c]) : "");
			widths[c] = std::max(widths[c], Width(clean.back()));
		}
		cells.push_back(std::move(clean));
	}

	std::string out, line, rule;
	for (std::size_t c = 0; c < columns; c++) {
		line += (c > 0 ? "| " : " ") + Center(headers[c], widths[c]) + " ";
		rule += (c > 0 ? "+" : "") + std::string(widths[c] + 2, '-');
	}
	RightTrim(&line);
	out += line + "\n" + rule + "\n";
	for (const auto &row : cells) {
		line.clear();
		for (std::size_t c = 0; c < columns; c++) {
			bool right = c < right_aligned.size() && right_aligned[c];
			line += (c > 0 ? "| " : " ") + Pad(row[c], widths[c], right) + " ";
		}
		RightTrim(&line);
		out += line + "\n";
	}
	out += "(" + std::to_string(rows.size()) + (rows.size() == 1 ? " row)\n" : " rows)\n");
	return out;
}

Output::Output(const GlobalOptions &options)
    : json_(options.format == Format::kJson), quiet_(options.quiet), verbose_(options.verbose)
{}

void
Output::Print(const std::string &text) const
{
	if (!quiet_)
		WriteLine(json_ ? std::cerr : std::cout, text);
}

void
Output::Note(const std::string &text) const
{
	if (!quiet_)
		WriteLine(std::cerr, text);
}

void
Output::Verbose(const std::string &text) const
{
	if (verbose_)
		WriteLine(std::cerr, text);
}

void
Output::Error(const std::string &text) const
{
	WriteLine(std::cerr, text);
}

void
Output::Emit() const
{
	if (!json_)
		return;
	/* replace: a file name that is not UTF-8 must not turn the document into an exception */
	std::cout << doc_.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

} // namespace pgmigrate::client

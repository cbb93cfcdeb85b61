/* output.cpp — text tables and the stdout/stderr/JSON split (see output.hpp). */
#include "output.hpp"

#include <algorithm>
#include <iostream>
#include <random>

#include <sys/ioctl.h>
#include <unistd.h>

namespace pgmigrate::client {

namespace {

constexpr const char *kRawMarker = "\x01pg_migrate raw JSON ";

/* Display width: UTF-8 code points (continuation bytes take no column). */
std::size_t
Width(const std::string &s)
{
	return static_cast<std::size_t>(
	    std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
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
	std::vector<std::size_t> widths(columns);
	for (std::size_t c = 0; c < columns; c++)
		widths[c] = Width(headers[c]);
	for (const auto &row : rows)
		for (std::size_t c = 0; c < columns && c < row.size(); c++)
			widths[c] = std::max(widths[c], Width(row[c]));

	std::string out, line;
	for (std::size_t c = 0; c < columns; c++)
		line += (c > 0 ? "| " : " ") + Center(headers[c], widths[c]) + " ";
	RightTrim(&line);
	out += line + "\n";
	for (std::size_t c = 0; c < columns; c++) {
		if (c > 0)
			out += '+';
		out.append(widths[c] + 2, '-');
	}
	out += '\n';
	for (const auto &row : rows) {
		line.clear();
		for (std::size_t c = 0; c < columns; c++) {
			static const std::string kEmpty;
			const std::string &cell = c < row.size() ? row[c] : kEmpty;
			std::size_t fill = widths[c] - std::min(widths[c], Width(cell));
			bool right = c < right_aligned.size() && right_aligned[c];
			line += c > 0 ? "| " : " ";
			if (right)
				line.append(fill, ' ');
			line += cell;
			if (!right)
				line.append(fill, ' ');
			line += ' ';
		}
		RightTrim(&line);
		/* control characters would break the alignment: shown as spaces */
		for (char &ch : line)
			if (static_cast<unsigned char>(ch) < 0x20)
				ch = ' ';
		out += line;
		out += '\n';
	}
	out += "(" + std::to_string(rows.size()) + (rows.size() == 1 ? " row)\n" : " rows)\n");
	return out;
}

Output::Output(const GlobalOptions &options)
    : json_(options.format == Format::kJson), quiet_(options.quiet), verbose_(options.verbose),
      live_(!options.quiet && ::isatty(STDERR_FILENO) == 1)
{}

void
Output::Write(std::ostream &stream, const std::string &text) const
{
	if (capture_ == nullptr) {
		WriteLine(stream, text);
		return;
	}
	capture_->append(text);
	if (text.empty() || text.back() != '\n')
		capture_->push_back('\n');
}

void
Output::Status(const std::string &text) const
{
	if (!live_)
		return;
	std::size_t columns = 80;
	struct winsize size {};
	if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1)
		columns = size.ws_col;
	/* one terminal line: a wrapped line could not be replaced by \r; cut by code points, control bytes as spaces */
	std::string line;
	std::size_t points = 0;
	for (char ch : text) {
		unsigned char c = static_cast<unsigned char>(ch);
		bool starts = (c & 0xC0) != 0x80;
		if (starts && ++points > columns - 1)
			break;
		line.push_back(c < 0x20 ? ' ' : ch);
	}
	std::cerr << "\r\033[K" << line << std::flush;
	status_shown_ = true;
}

void
Output::ClearStatus() const
{
	if (!status_shown_)
		return;
	std::cerr << "\r\033[K" << std::flush;
	status_shown_ = false;
}

void
Output::Print(const std::string &text) const
{
	if (quiet_ || json_)
		return;
	ClearStatus(); /* stdout and stderr are often the same terminal */
	Write(std::cout, text);
}

void
Output::Note(const std::string &text) const
{
	if (quiet_)
		return;
	ClearStatus();
	Write(std::cerr, text);
}

void
Output::Verbose(const std::string &text) const
{
	if (!verbose_)
		return;
	ClearStatus();
	Write(std::cerr, text);
}

void
Output::Error(const std::string &text) const
{
	ClearStatus();
	Write(std::cerr, text);
}

nlohmann::json
Output::Raw(std::string fragment)
{
	return Raw([fragment = std::move(fragment)](std::ostream &stream) {
		stream.write(fragment.data(), static_cast<std::streamsize>(fragment.size()));
	});
}

nlohmann::json
Output::Raw(std::function<void(std::ostream &)> writer)
{
	raw_.push_back(std::move(writer));
	/* a \x01, a random nonce and the index: no value from a file or the database matches by accident */
	return std::string(kRawMarker) + raw_nonce_ + " " + std::to_string(raw_.size() - 1);
}

void
Output::Emit() const
{
	if (!json_)
		return;
	/* replace: a file name that is not UTF-8 must not turn the document into an exception */
	std::string skeleton = doc_.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
	/* dump writes the marker's \x01 as \u0001: find each placeholder string and splice its fragment in */
	const std::string quoted_marker = "\"\\u0001" + std::string(kRawMarker + 1) + raw_nonce_ + " ";
	/* written piece by piece: the fragments can be megabytes */
	std::size_t pos = 0, search = 0;
	while (!raw_.empty()) {
		std::size_t start = skeleton.find(quoted_marker, search);
		if (start == std::string::npos)
			break;
		std::size_t digits = start + quoted_marker.size();
		std::size_t end = skeleton.find('"', digits);
		search = start + 1;
		if (end == std::string::npos || end == digits || skeleton.find_first_not_of("0123456789", digits) != end)
			continue; /* not a placeholder: a string that happens to begin like one */
		std::size_t index = std::stoul(skeleton.substr(digits, end - digits));
		if (index >= raw_.size())
			continue;
		std::cout.write(skeleton.data() + pos, static_cast<std::streamsize>(start - pos));
		raw_[index](std::cout);
		pos = search = end + 1;
	}
	std::cout.write(skeleton.data() + pos, static_cast<std::streamsize>(skeleton.size() - pos));
	std::cout << std::endl;
}

} // namespace pgmigrate::client

/* conninfo.cpp — password masking for connection targets (see conninfo.hpp). */
#include "conninfo.hpp"
#include "strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

namespace pgmigrate::client {

namespace {

constexpr const char *kMask = "****";

/* The connection parameters that hold secrets: the password, and the passphrase of the client's SSL key. */
constexpr std::string_view kPasswordKeys[] = {"password", "sslpassword"};

struct Span {
	std::size_t begin, end; /* [begin, end) of a password inside the target */
};

bool
IsUrl(const std::string &s)
{
	return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
}

/* Where passwords sit in a URL: the user info "user:PASSWORD@" and any "password=" query parameter. */
std::vector<Span>
UrlPasswordSpans(const std::string &url)
{
	std::vector<Span> spans;
	std::size_t start = url.find("://") + 3;
	/* libpq takes the user info up to the first '@' before any '/' */
	std::size_t at = start;
	while (at < url.size() && url[at] != '@' && url[at] != '/')
		at++;
	if (at < url.size() && url[at] == '@') {
		std::size_t colon = url.find(':', start);
		if (colon != std::string::npos && colon < at)
			spans.push_back({colon + 1, at});
	}
	std::size_t query = url.find('?', start);
	while (query != std::string::npos) {
		std::size_t key = query + 1;
		std::size_t amp = url.find('&', key);
		std::size_t end = amp == std::string::npos ? url.size() : amp;
		for (std::string_view name : kPasswordKeys) {
			if (url.compare(key, name.size(), name) == 0 && key + name.size() < url.size() &&
			    url[key + name.size()] == '=') {
				spans.push_back({key + name.size() + 1, end});
				break;
			}
		}
		query = amp;
	}
	return spans;
}

/* Where "password = value" (or sslpassword) sits in a key=value conninfo; value may be single-quoted. */
void
ConninfoSpansOf(const std::string &s, std::string_view key, std::vector<Span> *spans)
{
	std::size_t pos = 0;
	while ((pos = s.find(key, pos)) != std::string::npos) {
		bool word_start = pos == 0 || std::isspace(static_cast<unsigned char>(s[pos - 1]));
		std::size_t i = pos + key.size();
		while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
			i++;
		if (!word_start || i >= s.size() || s[i] != '=') {
			pos += key.size();
			continue;
		}
		i++;
		while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
			i++;
		std::size_t begin = i;
		if (i < s.size() && s[i] == '\'') {
			i++;
			while (i < s.size() && s[i] != '\'') {
				if (s[i] == '\\' && i + 1 < s.size())
					i++;
				i++;
			}
			if (i < s.size())
				i++;
		} else {
			while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])))
				i++;
		}
		spans->push_back({begin, i});
		pos = i;
	}
}

std::vector<Span>
ConninfoPasswordSpans(const std::string &s)
{
	std::vector<Span> spans;
	for (std::string_view key : kPasswordKeys)
		ConninfoSpansOf(s, key, &spans);
	/* MaskPassword replaces back to front */
	std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) { return a.begin < b.begin; });
	return spans;
}

std::vector<Span>
PasswordSpans(const std::string &target)
{
	return IsUrl(target) ? UrlPasswordSpans(target) : ConninfoPasswordSpans(target);
}

int
HexValue(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

std::string
PercentDecode(const std::string &s)
{
	std::string out;
	for (std::size_t i = 0; i < s.size(); i++) {
		if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
			out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
			i += 2;
		} else {
			out.push_back(s[i]);
		}
	}
	return out;
}

} // namespace

std::string
MaskPassword(const std::string &target)
{
	std::string out = target;
	auto spans = PasswordSpans(target);
	/* back to front, so earlier offsets stay valid */
	for (auto it = spans.rbegin(); it != spans.rend(); ++it)
		out.replace(it->begin, it->end - it->begin, kMask);
	return out;
}

std::vector<std::string>
PasswordsIn(const std::string &target)
{
	std::vector<std::string> out;
	for (const Span &span : PasswordSpans(target)) {
		std::string raw = target.substr(span.begin, span.end - span.begin);
		if (raw.size() >= 2 && raw.front() == '\'' && raw.back() == '\'')
			raw = raw.substr(1, raw.size() - 2);
		if (raw.empty())
			continue;
		out.push_back(raw);
		std::string decoded = PercentDecode(raw);
		if (decoded != raw && !decoded.empty())
			out.push_back(decoded);
	}
	return out;
}

void
OverwritePasswords(char *text)
{
	std::string copy = text;
	for (const Span &span : PasswordSpans(copy))
		std::memset(text + span.begin, 'x', span.end - span.begin);
}

std::string
Scrub(std::string text, const std::string &target)
{
	if (target.empty())
		return text;
	text = ReplaceAll(std::move(text), target, MaskPassword(target));
	/* Also catch a password libpq quoted on its own or decoded; a mangled message beats a leaked password. */
	for (const std::string &password : PasswordsIn(target))
		text = ReplaceAll(std::move(text), password, kMask);
	return text;
}

} // namespace pgmigrate::client

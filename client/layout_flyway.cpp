/*
 * layout_flyway.cpp — Flyway: V, U (its down) and R (repeatable) files in
 * the folder and its subfolders; repeatable versions and streams; Flyway's
 * CRC-32 checksum (layouts.hpp).
 */
#include "layout_internal.hpp"

#include "script.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <utility>

namespace pgmigrate::client {

namespace layout {

namespace fs = std::filesystem;

namespace {

struct FlywayName {
	char prefix;         /* V, U or R */
	std::string version; /* '_' written as '.', as Flyway shows it; empty for R */
	std::string description;
};

bool
ParseFlywayName(const std::string &file_name, const std::string &path, FlywayName *out,
                std::vector<FileProblem> *problems)
{
	out->prefix = file_name[0];
	std::string base = file_name.substr(0, file_name.size() - 4);
	std::size_t sep = base.find("__", 1);
	out->description = base.substr(sep + 2);
	if (out->description.empty()) {
		problems->push_back({path, 0, "flyway file name without a description after __"});
		return false;
	}
	if (out->prefix == 'R')
		return true;
	out->version = base.substr(1, sep - 1);
	std::replace(out->version.begin(), out->version.end(), '_', '.');
	try {
		CheckVersion(out->version);
	} catch (const ScriptError &e) {
		problems->push_back({path, 0, e.what()});
		return false;
	}
	return true;
}

/* Every .sql file under dir (Flyway reads subfolders too), as paths relative to it, sorted. */
std::vector<std::string>
FlywayFiles(const DirSpec &dir, const std::vector<DirEntry> &entries, std::vector<FileProblem> *problems)
{
	std::vector<std::string> files;
	for (const DirEntry &entry : entries) {
		if (!entry.is_directory) {
			if (Classify(entry) == Kind::kFlyway)
				files.push_back(entry.name);
			continue;
		}
		if (entry.name.empty() || entry.name[0] == '.')
			continue;
		std::string top = JoinPath(dir.path, entry.name);
		std::error_code ec;
		fs::recursive_directory_iterator it(top, ec), end;
		for (; !ec && it != end; it.increment(ec)) {
			std::string name = it->path().filename().string();
			std::error_code type_ec;
			bool is_dir = it->is_directory(type_ec);
			if (name[0] == '.') {
				if (is_dir)
					it.disable_recursion_pending();
				continue;
			}
			if (is_dir || !EndsWith(name, ".sql"))
				continue;
			std::string relative = entry.name + "/" + fs::path(it->path()).lexically_relative(top).string();
			if (Classify({name, false}) != Kind::kFlyway)
				problems->push_back(
				    {JoinPath(dir.path, relative), 0,
				     std::string("not a flyway migration: expected ") + ExpectedNames(Layout::kFlyway)});
			else
				files.push_back(relative);
		}
		if (ec)
			problems->push_back({top, 0, "cannot list the folder: " + ec.message()});
	}
	std::sort(files.begin(), files.end());
	return files;
}

} // namespace

std::vector<ToolMigration>
ReadFlyway(const DirSpec &dir, const std::vector<DirEntry> &entries, std::vector<FileProblem> *problems)
{
	struct Versioned {
		ToolMigration m;
		std::string up;
		std::string down, down_path;
		bool has_down = false;
	};
	std::vector<Versioned> versioned;
	std::vector<std::pair<std::string, FlywayName>> undo; /* relative path, name */
	std::vector<ToolMigration> out;
	std::string repeatable_stream = RepeatableStream(dir.stream);
	bool repeatable_stream_ok = true;
	try {
		CheckStreamName(repeatable_stream);
	} catch (const ScriptError &) {
		repeatable_stream_ok = false;
	}
	for (const std::string &relative : FlywayFiles(dir, entries, problems)) {
		std::string path = JoinPath(dir.path, relative);
		std::string file_name = fs::path(relative).filename().string();
		FlywayName fw;
		if (!ParseFlywayName(file_name, path, &fw, problems))
			continue;
		if (fw.prefix == 'U') {
			undo.emplace_back(relative, fw);
			continue;
		}
		ToolMigration m = NewMigration(Layout::kFlyway, dir, path, relative);
		m.file.name = fw.description;
		std::string up;
		bool ok = ReadInto(path, &up, problems);
		if (!ok)
			continue;
		if (fw.prefix == 'R') {
			if (!repeatable_stream_ok) {
				problems->push_back({path, 0,
				                     "stream name " + repeatable_stream +
				                         " for the folder's repeatable migrations is too long; use a shorter "
				                         "stream name in --dir STREAM=PATH"});
				continue;
			}
			std::string description = fw.description;
			std::replace(description.begin(), description.end(), '_', ' ');
			m.file.stream = repeatable_stream;
			m.file.version = RepeatableVersion(description);
			SetScript(&m, Layout::kFlyway, std::move(up), nullptr, "", true);
			out.push_back(std::move(m));
			continue;
		}
		m.file.version = fw.version;
		versioned.push_back({std::move(m), std::move(up), "", "", false});
	}
	for (const auto &[relative, fw] : undo) {
		std::string path = JoinPath(dir.path, relative);
		std::string key = VersionKey(fw.version);
		auto it = std::find_if(versioned.begin(), versioned.end(),
		                       [&](const Versioned &v) { return VersionKey(v.m.file.version) == key; });
		if (it == versioned.end()) {
			problems->push_back(
			    {path, 0, "undo migration of version " + fw.version + " without its V" + fw.version + "__*.sql file"});
			continue;
		}
		if (it->has_down) {
			problems->push_back(
			    {path, 0, "second undo migration of version " + fw.version + "; " + it->down_path + " is the first"});
			continue;
		}
		bool ok = ReadInto(path, &it->down, problems);
		if (!ok)
			continue;
		it->has_down = true;
		it->down_path = path;
	}
	for (Versioned &v : versioned) {
		SetScript(&v.m, Layout::kFlyway, std::move(v.up), v.has_down ? &v.down : nullptr, v.down_path, false);
		out.push_back(std::move(v.m));
	}
	return out;
}

} // namespace layout

std::string
RepeatableVersion(std::string_view description)
{
	return layout::NameGroups(description, 8);
}

std::string
RepeatableStream(const std::string &stream)
{
	return stream + "-repeatable";
}

std::int32_t
FlywayChecksum(std::string_view bytes)
{
	static const std::array<std::uint32_t, 256> kTable = [] {
		std::array<std::uint32_t, 256> table{};
		for (std::uint32_t n = 0; n < 256; n++) {
			std::uint32_t c = n;
			for (int k = 0; k < 8; k++)
				c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[n] = c;
		}
		return table;
	}();
	if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0)
		bytes.remove_prefix(3);
	std::uint32_t crc = 0xFFFFFFFFu;
	for (char ch : bytes) {
		if (ch == '\n' || ch == '\r') /* lines are read without their endings */
			continue;
		crc = kTable[(crc ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (crc >> 8);
	}
	return static_cast<std::int32_t>(crc ^ 0xFFFFFFFFu);
}

} // namespace pgmigrate::client

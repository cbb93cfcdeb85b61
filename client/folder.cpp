/* folder.cpp — reading and checking migration folders (see folder.hpp). */
#include "folder.hpp"

#include "checksum.hpp"
#include "exit_codes.hpp"
#include "in_chunks.hpp"
#include "layouts.hpp"
#include "script.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <map>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pgmigrate::client {

namespace fs = std::filesystem;

namespace {

constexpr const char *kDefaultDir = "./migrations";
/* below this many files per thread, a thread costs more than it saves */
constexpr std::size_t kFilesPerThread = 200;
constexpr const char *kStreamRule = "(stream names are 1 to 63 characters of a-z, 0-9, '_' or '-')";
constexpr const char *kEqualsInPath = "; a folder whose name contains '=' is written with a '/' before it, as ./a=b";

bool
LooksLikeStream(const std::string &s)
{
	return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
	});
}

/* "a" of "a/b"; "." for "b"; "/" for "/b". */
std::string
ParentOf(const std::string &path)
{
	std::size_t slash = path.find_last_of('/');
	if (slash == std::string::npos)
		return ".";
	if (slash == 0)
		return "/";
	return path.substr(0, slash);
}

/*
 * Why stat(path) failed with err: the first folder on the way that is not a
 * directory, or that this user may not search. Empty when it simply does not
 * exist.
 */
std::string
WhyUnreachable(const std::string &path, int err)
{
	if (err == ENOENT)
		return "";
	/* each prefix of the path, the path itself last */
	for (std::size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
		std::string prefix = end == std::string::npos ? path : path.substr(0, end);
		struct stat st;
		if (::stat(prefix.c_str(), &st) != 0) {
			if (errno == EACCES)
				return "permission denied: the directory " + ParentOf(prefix) +
				       " cannot be searched by this user (it lacks the x permission), so nothing inside it can be "
				       "reached";
			if (errno == ENOENT)
				return "";
			break;
		}
		if (end != std::string::npos && !S_ISDIR(st.st_mode))
			return prefix + " is not a directory, so there can be no migrations directory inside it";
		if (end == std::string::npos)
			break;
	}
	return std::string("cannot reach the migrations directory: ") + std::strerror(err);
}

/* The entries of dir (names starting with '.' left out), sorted; adds a problem and returns false when dir cannot be
 * listed. */
bool
ListEntries(const DirSpec &dir, std::vector<DirEntry> *entries, std::vector<FileProblem> *problems)
{
	struct stat st;
	if (::stat(dir.path.c_str(), &st) != 0) {
		std::string why = WhyUnreachable(dir.path, errno);
		if (!why.empty())
			problems->push_back({dir.path, 0, why});
		else if (dir.is_default)
			problems->push_back({dir.path, 0,
			                     "no migrations directory here; create it (pg_migrate new NAME does) or name "
			                     "one with --dir PATH"});
		else
			problems->push_back({dir.path, 0, "migrations directory does not exist"});
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		problems->push_back({dir.path, 0, "not a directory; --dir names a folder of migration files"});
		return false;
	}
	std::error_code ec;
	fs::directory_iterator it(dir.path, ec), end;
	if (ec) {
		problems->push_back({dir.path, 0, "cannot list the directory: " + ec.message()});
		return false;
	}
	for (; it != end; it.increment(ec)) {
		std::string name = it->path().filename().string();
		if (name.empty() || name[0] == '.')
			continue;
		std::error_code type_ec;
		/* from the directory listing itself: no stat per file */
		entries->push_back({name, it->is_directory(type_ec)});
	}
	if (ec)
		problems->push_back({dir.path, 0, "cannot list the directory: " + ec.message()});
	std::sort(entries->begin(), entries->end());
	return true;
}

bool
IsSqlName(const std::string &name)
{
	return name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0;
}

/*
 * Parses the script the way the server will, settles the stream (the file's
 * own directive wins) and sets the checksum; false (with a problem added)
 * when it is bad. A line past down_first_line is reported in down_path.
 */
bool
CheckScript(MigrationFile *file, std::vector<FileProblem> *problems, const std::string &down_path = "",
            int down_first_line = 0)
{
	try {
		Script script = ParseScript(file->content, file->stream);
		if (!script.stream.empty() && script.stream != file->stream) {
			/* The file's own directive wins; parse again so bare `requires` complete to that stream, as on the server.
			 */
			file->stream = script.stream;
			ParseScript(file->content, file->stream);
		}
	} catch (const ScriptError &e) {
		if (!down_path.empty() && down_first_line > 0 && e.line >= down_first_line)
			problems->push_back({down_path, e.line - down_first_line + 1, e.what()});
		else
			problems->push_back({file->path, e.line, e.what()});
		return false;
	}
	file->checksum = Sha256Hex(file->content);
	return true;
}

/* The control character at name[i] (ASCII, DEL, or a UTF-8 encoded C1 control), or 0 with *length 0 when none. */
unsigned
ControlAt(const std::string &name, std::size_t i, std::size_t *length)
{
	auto c = static_cast<unsigned char>(name[i]);
	*length = 1;
	if (c < 0x20 || c == 0x7f)
		return c;
	if (c == 0xc2 && i + 1 < name.size()) {
		auto next = static_cast<unsigned char>(name[i + 1]);
		if (next >= 0x80 && next <= 0x9f) {
			*length = 2;
			return next;
		}
	}
	*length = 0;
	return 0;
}

std::string
CodePoint(unsigned c)
{
	char buffer[8];
	std::snprintf(buffer, sizeof buffer, "U+%04X", c);
	return buffer;
}

/* text with its control characters written as \n, \t, \r or \xNN (C1: \u0085), so a message stays on its line. */
std::string
EscapeControls(const std::string &text)
{
	std::string out;
	for (std::size_t i = 0; i < text.size();) {
		std::size_t length;
		unsigned c = ControlAt(text, i, &length);
		if (length == 0) {
			out.push_back(text[i++]);
			continue;
		}
		char buffer[8];
		if (c == '\n')
			out += "\\n";
		else if (c == '\t')
			out += "\\t";
		else if (c == '\r')
			out += "\\r";
		else {
			std::snprintf(buffer, sizeof buffer, length == 1 ? "\\x%02X" : "\\u%04X", c);
			out += buffer;
		}
		i += length;
	}
	return out;
}

/*
 * A migration name is printed in the status and history tables, one row per
 * line: a newline, tab or other control character in it would break them.
 * False (with a problem naming the character) when file's name has one.
 */
bool
CheckNameCharacters(const MigrationFile &file, std::vector<FileProblem> *problems)
{
	for (std::size_t i = 0; i < file.name.size(); i++) {
		std::size_t length;
		unsigned c = ControlAt(file.name, i, &length);
		if (length == 0)
			continue;
		std::string what = c == '\n'   ? "a newline (\\n)"
		                   : c == '\t' ? "a tab (\\t)"
		                   : c == '\r' ? "a carriage return (\\r)"
		                               : "the control character " + CodePoint(c);
		problems->push_back({EscapeControls(file.path), 0,
		                     "migration name \"" + EscapeControls(file.name) + "\" contains " + what +
		                         "; names may not contain control characters (they would break the status and "
		                         "history tables): rename it"});
		return false;
	}
	return true;
}

/* Reads and checks one native file; false (with a problem added) when it is bad. */
bool
ReadOne(const DirSpec &dir, const DirEntry &entry, MigrationFile *out, std::vector<FileProblem> *problems)
{
	const std::string &file_name = entry.name;
	out->path = JoinPath(dir.path, file_name);
	out->tool_id = file_name;
	try {
		FileName parsed = ParseFileName(file_name);
		out->version = parsed.version;
		out->name = parsed.name;
	} catch (const ScriptError &e) {
		problems->push_back({EscapeControls(out->path), e.line, EscapeControls(e.what())});
		return false;
	}
	if (!CheckNameCharacters(*out, problems))
		return false;
	if (entry.is_directory) {
		problems->push_back(
		    {out->path, 0, "not a regular file (it is a directory); a migration must be a regular file"});
		return false;
	}
	std::string error;
	if (!ReadFileBytes(out->path, &out->content, &error)) {
		problems->push_back({out->path, 0, error});
		return false;
	}
	out->stream = dir.stream;
	return CheckScript(out, problems);
}

/* The checked migrations of one folder, in its layout. */
void
ReadFolder(const DirSpec &dir, std::vector<MigrationFile> *files, std::vector<FileProblem> *problems,
           std::vector<FileProblem> *warnings)
{
	std::vector<DirEntry> entries;
	if (!ListEntries(dir, &entries, problems))
		return;
	Layout layout = ResolveLayout(dir, &entries, problems, warnings);
	/* Each chunk's files and problems, in folder order once joined (in_chunks.hpp). */
	struct Chunk {
		std::vector<MigrationFile> files;
		std::vector<FileProblem> problems;
	};
	std::vector<Chunk> chunks;
	if (layout != Layout::kNative) {
		std::vector<ToolMigration> found = ReadToolLayout(layout, dir, entries, problems, warnings);
		chunks = InChunks<Chunk>(found.size(), kFilesPerThread, [&found](std::size_t begin, std::size_t end, Chunk &c) {
			for (std::size_t i = begin; i < end; i++) {
				ToolMigration &m = found[i];
				if (CheckNameCharacters(m.file, &c.problems) &&
				    CheckScript(&m.file, &c.problems, m.down_path, m.down_first_line)) {
					m.file.down_path = m.down_path;
					m.file.down_first_line = m.down_first_line;
					c.files.push_back(std::move(m.file));
				}
			}
		});
	} else {
		std::vector<const DirEntry *> sql;
		for (const DirEntry &entry : entries)
			if (IsSqlName(entry.name))
				sql.push_back(&entry);
		chunks = InChunks<Chunk>(sql.size(), kFilesPerThread, [&](std::size_t begin, std::size_t end, Chunk &c) {
			for (std::size_t i = begin; i < end; i++) {
				MigrationFile file;
				if (ReadOne(dir, *sql[i], &file, &c.problems))
					c.files.push_back(std::move(file));
			}
		});
	}
	for (Chunk &c : chunks) {
		std::move(c.files.begin(), c.files.end(), std::back_inserter(*files));
		std::move(c.problems.begin(), c.problems.end(), std::back_inserter(*problems));
	}
}

} // namespace

std::string
FileProblem::ToString() const
{
	if (line > 0)
		return path + ":" + std::to_string(line) + ": " + message;
	return path + ": " + message;
}

std::vector<DirSpec>
ParseDirSpecs(const std::vector<std::string> &raw, const std::string &layout)
{
	Layout ignored;
	if (!layout.empty() && !LayoutFromName(layout, &ignored))
		throw Failure(kExitUsage, "--layout " + layout + ": not a layout; one of " + LayoutNames());
	std::vector<DirSpec> out;
	if (raw.empty()) {
		DirSpec dir;
		dir.path = kDefaultDir;
		dir.is_default = true;
		dir.layout = layout;
		out.push_back(dir);
		return out;
	}
	for (const std::string &value : raw) {
		DirSpec dir;
		std::size_t eq = value.find('=');
		std::string prefix = eq == std::string::npos ? "" : value.substr(0, eq);
		/*
		 * "STREAM=PATH" when the part before the first '=' has no '/'. A folder
		 * with '=' in its name is written with a '/' before it (./a=b), or is
		 * taken as a path when it exists as named (and its prefix is no stream).
		 */
		bool stream_form = eq != std::string::npos && prefix.find('/') == std::string::npos;
		if (stream_form && !LooksLikeStream(prefix)) {
			std::error_code ec;
			if (fs::exists(value, ec))
				stream_form = false;
		}
		if (stream_form) {
			if (prefix.empty())
				throw Failure(kExitUsage, "--dir " + value + ": empty stream name before '='; write STREAM=PATH " +
				                              kStreamRule + kEqualsInPath);
			try {
				CheckStreamName(prefix);
			} catch (const ScriptError &e) {
				throw Failure(kExitUsage, "--dir " + value + ": invalid stream name: " + e.what() + kEqualsInPath);
			}
			dir.stream = prefix;
			dir.stream_given = true;
			dir.path = value.substr(eq + 1);
			if (dir.path.empty())
				throw Failure(kExitUsage, "--dir " + value + ": empty path after '" + prefix +
				                              "='; write STREAM=PATH, e.g. " + prefix + "=db/" + prefix);
		} else {
			dir.path = value;
		}
		if (dir.path.empty())
			throw Failure(kExitUsage, "--dir: empty path; name a folder of migration files");
		dir.layout = layout;
		out.push_back(dir);
	}
	return out;
}

FolderContents
ReadFolders(const std::vector<DirSpec> &dirs)
{
	FolderContents out;
	/* (stream, version key) -> path of the first file using it */
	std::map<std::pair<std::string, std::string>, std::string> seen;
	for (const DirSpec &dir : dirs) {
		std::vector<MigrationFile> files;
		ReadFolder(dir, &files, &out.problems, &out.warnings);
		for (MigrationFile &file : files) {
			auto key = std::make_pair(file.stream, VersionKey(file.version));
			auto [it, inserted] = seen.emplace(key, file.path);
			if (!inserted) {
				out.problems.push_back({file.path, 0,
				                        "version " + file.version + " of stream " + file.stream + " is also used by " +
				                            it->second + "; each version must be unique"});
				continue;
			}
			out.files.push_back(std::move(file));
		}
	}
	return out;
}

namespace {

const char *
FileTypeName(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO (named pipe)";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "not a plain file";
}

std::string
NotRegularFile(mode_t mode)
{
	return std::string("not a regular file (it is ") + FileTypeName(mode) +
	       "); a migration must be a regular file or a symlink to one";
}

} // namespace

bool
ReadFileBytes(const std::string &path, std::string *content, std::string *error)
{
	/* Look before opening: opening a FIFO waits for a writer, reading a device may never end. */
	struct stat st;
	if (::stat(path.c_str(), &st) != 0) {
		*error = std::string("cannot read the file: ") + std::strerror(errno);
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		*error = NotRegularFile(st.st_mode);
		return false;
	}
	/* O_NONBLOCK: should it have been swapped for a FIFO since, open() does not wait; fstat() then refuses it. */
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		*error = std::string("cannot read the file: ") + std::strerror(errno);
		return false;
	}
	if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*error = NotRegularFile(st.st_mode);
		::close(fd);
		return false;
	}
	char buffer[65536];
	for (;;) {
		ssize_t n = ::read(fd, buffer, sizeof buffer);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*error = std::string("cannot read the file: ") + std::strerror(errno);
			::close(fd);
			return false;
		}
		content->append(buffer, static_cast<std::size_t>(n));
	}
	::close(fd);
	return true;
}

std::string
JoinPath(const std::string &dir, const std::string &file)
{
	if (!dir.empty() && dir.back() == '/')
		return dir + file;
	return dir + "/" + file;
}

} // namespace pgmigrate::client

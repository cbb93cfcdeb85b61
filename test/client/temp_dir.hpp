/* temp_dir.hpp — a temporary directory for a test, removed with everything in it (header-only). */
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace pgmtest {

class TempDir {
public:
	/* A new directory <temp>/<prefix>XXXXXX. */
	explicit TempDir(const std::string &prefix = "pg_migrate_test_")
	{
		std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
		if (mkdtemp(pattern.data()) == nullptr)
			throw std::runtime_error("mkdtemp failed");
		path_ = pattern;
	}
	~TempDir()
	{
		std::error_code ec;
		std::filesystem::remove_all(path_, ec);
	}
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;

	const std::string &
	Path() const
	{
		return path_;
	}
	/* Writes bytes to Path()/relative, creating folders; returns the full path. */
	std::string
	Write(const std::string &relative, const std::string &bytes) const
	{
		std::filesystem::path full = std::filesystem::path(path_) / relative;
		std::filesystem::create_directories(full.parent_path());
		std::ofstream file(full, std::ios::binary | std::ios::trunc);
		file << bytes;
		return full.string();
	}

private:
	std::string path_;
};

} // namespace pgmtest

/*
 * settings_client.cpp — settings.hpp for the client host: the pg_migrate.*
 * parameters as the session has them (SET, ALTER DATABASE/ROLE SET and
 * PGOPTIONS work without the library, as placeholders), else the defaults
 * the extension defines (settings.cpp).
 */
#include "settings.hpp"

#include "host.hpp"

#include <string>

namespace pgmigrate {

namespace {

std::string
Setting(const char *name, const char *fallback)
{
	std::optional<std::string> value = client::engine::SessionSetting(name);
	return value && !value->empty() ? *value : fallback;
}

bool
On(const std::string &value)
{
	return value == "on" || value == "true" || value == "yes" || value == "1";
}

} // namespace

bool
LintStrict()
{
	return On(Setting("pg_migrate.lint_strict", "off"));
}

const char *
DefaultLockTimeout()
{
	thread_local std::string value;
	value = Setting("pg_migrate.lock_timeout", "5s");
	return value.c_str();
}

bool
CaptureDdl()
{
	return On(Setting("pg_migrate.capture_ddl", "on"));
}

int
LockRetries()
{
	std::string value = Setting("pg_migrate.lock_retries", "3");
	try {
		return std::stoi(value);
	} catch (const std::exception &) {
		return 3;
	}
}

const char *
DriftGate()
{
	std::string value = Setting("pg_migrate.drift_gate", "warn");
	return value == "off" ? "off" : value == "error" ? "error" : "warn";
}

} // namespace pgmigrate

/*
 * retry_advice.hpp — how a user resumes a stopped background step, for
 * messages: the SQL call where the extension runs the steps, the client
 * command where the client does (managed mode). Pure: the client's commands
 * and both engine hosts (RetryAdvice() of runner_launch.hpp) say it alike.
 */
#pragma once

#include <string>

namespace pgmigrate {

inline std::string
RetryAdviceText(const std::string &stream, const std::string &version, bool client_runs_steps)
{
	if (client_runs_steps)
		return "pg_migrate retry " + version + " --stream " + stream;
	return "SELECT migrate.retry('" + stream + "', '" + version + "')";
}

} // namespace pgmigrate

/*
 * runner_request_client.cpp — runner_launch.hpp for the client host. There
 * is no background worker on a managed service: the work apply() queued
 * (no-transaction steps) is run by the client itself once the caller's
 * transaction has committed (managed_calls.cpp).
 */
#include "runner_launch.hpp"

#include "managed_calls.hpp"
#include "retry_advice.hpp"

namespace pgmigrate {

void
RequestRunnerAtCommit(const RunnerIdentity &)
{
	client::engine::RunnerWorkQueued() = true;
}

bool
StartRunnerNow(const RunnerIdentity &)
{
	client::engine::RunnerWorkQueued() = true;
	return true;
}

std::string
RetryAdvice(const std::string &stream, const std::string &version)
{
	return RetryAdviceText(stream, version, true);
}

} // namespace pgmigrate

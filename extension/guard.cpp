/*
 * guard.cpp — conversions between ereport() and C++ exceptions (see guard.hpp).
 */
#include "guard.hpp"

#include <cstdlib>
#include <cstring>

namespace pgmigrate {

namespace {

/* malloc'd copy: nothing inside a catch block may ereport (it would longjmp out of it). */
char *
CopyOut(const std::string &s)
{
	char *copy = static_cast<char *>(std::malloc(s.size() + 1));
	if (copy != nullptr)
		std::memcpy(copy, s.c_str(), s.size() + 1);
	return copy;
}

/* Moves a malloc'd string into the current memory context. */
char *
ToPalloc(char *s)
{
	if (s == nullptr)
		return nullptr;
	char *copy = pstrdup(s);
	std::free(s);
	return copy;
}

} // namespace

Datum
GuardEntry(Datum (*body)(FunctionCallInfo), FunctionCallInfo fcinfo)
{
	ErrorData *pg_error = nullptr;
	int sqlstate = ERRCODE_INTERNAL_ERROR;
	char *message = nullptr, *detail = nullptr, *hint = nullptr;
	bool failed = false;

	try {
		return body(fcinfo);
	} catch (const PgException &e) {
		pg_error = e.edata;
	} catch (const MigrateError &e) {
		sqlstate = e.sqlstate;
		message = CopyOut(e.message);
		detail = e.detail.empty() ? nullptr : CopyOut(e.detail);
		hint = e.hint.empty() ? nullptr : CopyOut(e.hint);
		failed = true;
	} catch (const std::bad_alloc &) {
		sqlstate = ERRCODE_OUT_OF_MEMORY;
		failed = true;
	} catch (const std::exception &e) {
		message = CopyOut(e.what());
		failed = true;
	} catch (...) {
		failed = true;
	}

	/* Every C++ object of the call is gone now; ereport is safe. */
	if (pg_error != nullptr)
		ReThrowError(pg_error);
	if (failed) {
		char *msg = ToPalloc(message), *det = ToPalloc(detail), *hnt = ToPalloc(hint);
		ereport(ERROR, (errcode(sqlstate), errmsg_internal("%s", msg ? msg : "pg_migrate: unexpected internal error"),
		                det ? errdetail_internal("%s", det) : 0, hnt ? errhint("%s", hnt) : 0));
	}
	pg_unreachable();
}

} // namespace pgmigrate

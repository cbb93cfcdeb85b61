/*
 * broken_down_client.cpp — FindDownSyntaxError() of broken_down.hpp for the
 * client engine. The server's runs the parse in a subtransaction, which it
 * rolls back after a caught error; the client has no transaction to clean:
 * the error's ErrorData lives in the engine's memory context.
 */
#include "broken_down.hpp"

#include "guard.hpp"

namespace pgmigrate {

std::optional<DownSyntaxError>
FindDownSyntaxError(const std::string &sql, const SectionOrigin &origin,
                    std::optional<std::vector<Statement>> *statements)
{
	try {
		std::vector<Statement> split = SplitStatements(sql, origin);
		if (statements != nullptr)
			*statements = std::move(split);
	} catch (const PgException &e) {
		/* ParseErrorContext (statements.cpp) moved the caret into the section text */
		int pos = e.edata->internalpos;
		return DownSyntaxError{pos > 0 ? LineAtPosition(sql, origin.first_line, pos) : origin.first_line,
		                       e.edata->message ? e.edata->message : "syntax error"};
	}
	return std::nullopt;
}

} // namespace pgmigrate

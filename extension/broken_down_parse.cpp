/*
 * broken_down_parse.cpp — FindDownSyntaxError() of broken_down.hpp in the
 * server, where a caught parse error is cleaned up by rolling back a
 * subtransaction (the client engine's is client/engine/broken_down_client.cpp).
 */
#include "broken_down.hpp"

#include "execute.hpp"

namespace pgmigrate {

std::optional<DownSyntaxError>
FindDownSyntaxError(const std::string &sql, const SectionOrigin &origin,
                    std::optional<std::vector<Statement>> *statements)
{
	/* A caught ERROR is cleaned up by rolling back a subtransaction, as PL/pgSQL's EXCEPTION does. */
	pg::SubtransactionFrame frame = pg::BeginSubtransaction();
	std::optional<DownSyntaxError> found;
	try {
		std::vector<Statement> split = SplitStatements(sql, origin);
		if (statements != nullptr)
			*statements = std::move(split);
	} catch (const PgException &e) {
		if (IsInterrupt(e.edata)) {
			pg::RollbackSubtransaction(frame);
			throw;
		}
		/* ParseErrorContext moved the caret into the section text */
		int pos = e.edata->internalpos;
		found = DownSyntaxError{pos > 0 ? LineAtPosition(sql, origin.first_line, pos) : origin.first_line,
		                        e.edata->message ? e.edata->message : "syntax error"};
	}
	if (found)
		pg::RollbackSubtransaction(frame);
	else
		pg::ReleaseSubtransaction(frame);
	return found;
}

} // namespace pgmigrate

/* tokens.cpp — see tokens.hpp. */
#include "tokens.hpp"

#include "guard.hpp"

#include <vector>

extern "C" {
#include "parser/parser.h"
#include "parser/scanner.h"
}

namespace pgmigrate {

int
TokenOf(const char *sample)
{
	core_yy_extra_type extra;
	core_yyscan_t scanner = scanner_init(sample, &extra, &ScanKeywords, ScanKeywordTokens);
	core_YYSTYPE value;
	YYLTYPE location;
	int token = core_yylex(&value, &location, scanner);
	scanner_finish(scanner);
	return token;
}

std::string
MaskStringLiterals(const std::string &sql)
{
	/* (start, end) byte ranges of string constants; filled inside the guarded scan */
	std::vector<std::pair<std::size_t, std::size_t>> literals;
	try {
		pg::Call([&] {
			static int kinds[4] = {-1, -1, -1, -1};
			if (kinds[0] < 0) {
				kinds[0] = TokenOf("'x'");
				kinds[1] = TokenOf("U&'x'");
				kinds[2] = TokenOf("B'1'");
				kinds[3] = TokenOf("X'1'");
			}
			core_yy_extra_type extra;
			core_yyscan_t scanner = scanner_init(sql.c_str(), &extra, &ScanKeywords, ScanKeywordTokens);
			core_YYSTYPE value;
			YYLTYPE location;
			int token;
			bool open = false;
			while ((token = core_yylex(&value, &location, scanner)) != 0) {
				/* a literal ends where the next token starts (less the space between) */
				if (open)
					literals.back().second = static_cast<std::size_t>(location);
				open = token == kinds[0] || token == kinds[1] || token == kinds[2] || token == kinds[3];
				if (open)
					literals.emplace_back(static_cast<std::size_t>(location), sql.size());
			}
			scanner_finish(scanner);
		});
	} catch (const PgException &) {
		return "(not shown: the text could not be scanned for literals to mask)";
	}
	std::string out;
	std::size_t pos = 0;
	for (auto [start, end] : literals) {
		while (end > start &&
		       (sql[end - 1] == ' ' || sql[end - 1] == '\n' || sql[end - 1] == '\t' || sql[end - 1] == '\r'))
			end--;
		out.append(sql, pos, start - pos);
		out += "'***'";
		pos = end;
	}
	out.append(sql, pos, std::string::npos);
	return out;
}

} // namespace pgmigrate

// The two parts that hold a sheet's text: the shared string table and the worksheet itself.
//
// Cell types follow SpreadsheetML: "s" is an index into the shared strings, "inlineStr" holds
// its text in <is>, "str" is a formula's text result, "b" a boolean, "e" an error such as
// "#N/A", and "n" (the default) or "d" keep their value as written ("42", "1.5E-3",
// "2024-01-02T00:00:00"): the caller gets text, not numbers, because a keyword such as "2024"
// must come back as typed, not as 2024.0. Formulas are not evaluated; their cached result is
// used, as every reader that is not Excel does. Phonetic runs (<rPh>) are not part of the text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xlsx/limits.h"

namespace crawler::xlsx {

using Row = std::vector<std::string>;

std::vector<std::string> parse_shared_strings(std::string_view xml, const std::string& part);

// rows[i] is sheet row i + 1; rows without values are empty vectors, and each row stops at its
// last value (cells after it are not padded). Trailing rows without values are dropped.
// Throws LimitExceeded when a value lies beyond max_rows / max_columns or the texts pass
// max_text_bytes, Error for a reference to a missing shared string or malformed XML.
std::vector<Row> parse_worksheet(std::string_view xml, const std::string& part,
                                 const std::vector<std::string>& shared_strings,
                                 const ReadLimits& limits);

// SpreadsheetML escapes characters XML cannot carry as "_xHHHH_" ("_x000D_" is a carriage
// return, "_x005F_" a literal underscore). Decodes them; anything else is kept as written.
std::string decode_escapes(std::string_view text);

}  // namespace crawler::xlsx

// From an uploaded sheet to the rows of a bulk search: the header aliases users' sheets
// carry, row-numbered errors, and url normalisation.
//
// Row numbers are the sheet's own (the header is row 1), because the person fixing the file
// looks for them in Excel; the reader keeps gaps, so a blank row 3 does not shift row 4.
// Blank rows (no keyword and no url) are skipped, as spreadsheet tools leave them between
// blocks; a row with one of the two is an error naming the row, never silently dropped.
#pragma once

#include <string>
#include <vector>

#include "store/model.h"
#include "xlsx/sheet_parser.h"

namespace crawler::api {

inline constexpr std::size_t kMaxBulkKeywordChars = 255;

// Throws BadRequest: no header, no keyword or url column, a row missing one of them, an
// invalid url, a keyword too long, or no rows at all.
std::vector<store::NewBulkSearch::Row> bulk_rows_from_sheet(const std::vector<xlsx::Row>& rows);

}  // namespace crawler::api

// Reading the first worksheet of an .xlsx upload into rows of cell texts.
//
// Design: libzip opens the upload from memory (no temporary file), libxml2 streams each XML
// part, and every size is bounded (limits.h) so that a hostile file costs at most those
// bounds. The result is plain text per cell with gaps kept by cell reference, which is all a
// caller mapping columns by header needs; styles, formulas and dates are out of scope.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xlsx/errors.h"
#include "xlsx/limits.h"
#include "xlsx/sheet_parser.h"

namespace crawler::xlsx {

struct Sheet {
  std::string name;       // the tab's name
  std::vector<Row> rows;  // rows[i] is row i + 1 (see parse_worksheet)
};

// Throws Error (a corrupt or non-.xlsx file) or LimitExceeded, with messages for the user.
Sheet read_first_sheet(std::string_view xlsx, const ReadLimits& limits = {});

}  // namespace crawler::xlsx

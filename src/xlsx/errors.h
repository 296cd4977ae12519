// What the .xlsx reader and writer throw. The messages are written for the person who uploaded
// the file ("the file is not an .xlsx workbook", "the sheet has more than 100000 rows"), so a
// REST handler can pass them on as they are.
//
//   Error          the file cannot be read: not a ZIP, corrupt entries, malformed XML, a
//                  workbook without worksheets.
//   LimitExceeded  the file is readable but bigger than the reader accepts (a zip bomb, too
//                  many rows or columns). A subclass so that callers may answer it differently.
#pragma once

#include <stdexcept>
#include <string>

namespace crawler::xlsx {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LimitExceeded : public Error {
 public:
  using Error::Error;
};

}  // namespace crawler::xlsx

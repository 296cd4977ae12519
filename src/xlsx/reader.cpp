#include "xlsx/reader.h"

#include "xlsx/package.h"
#include "xlsx/zip_reader.h"

namespace crawler::xlsx {

Sheet read_first_sheet(std::string_view xlsx, const ReadLimits& limits) {
  if (xlsx.empty()) throw Error("the file is empty");
  ZipReader zip(xlsx, limits);
  auto first = locate_first_sheet(zip);

  std::vector<std::string> shared;
  if (first.shared_strings_part) {
    if (auto text = zip.read(*first.shared_strings_part))
      shared = parse_shared_strings(*text, *first.shared_strings_part);
  }
  auto sheet = zip.read(first.part);
  if (!sheet)
    throw Error("the file is corrupt: the sheet '" + first.name + "' (" + first.part +
                ") is missing");
  return Sheet{first.name, parse_worksheet(*sheet, first.part, shared, limits)};
}

}  // namespace crawler::xlsx

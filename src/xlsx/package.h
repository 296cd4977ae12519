// Finding the first worksheet inside the package (Open Packaging Conventions): _rels/.rels
// names the workbook part, the workbook lists its sheets in display order, and the workbook's
// relationships map each sheet's r:id to its part. File names such as "sheet1.xml" mean
// nothing: a workbook whose sheets were reordered or renamed keeps its old part names, so the
// order must come from workbook.xml, as Excel shows it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xlsx/zip_reader.h"

namespace crawler::xlsx {

struct Relationship {
  std::string id;
  std::string type;    // a URI; compared by its last path segment ("worksheet", ...)
  std::string target;  // part path, relative to the source part's folder unless it starts "/"
  bool external = false;
};

struct FirstSheet {
  std::string name;                                // as shown on the sheet tab
  std::string part;                                // e.g. "xl/worksheets/sheet1.xml"
  std::optional<std::string> shared_strings_part;  // e.g. "xl/sharedStrings.xml"
};

// Throws Error when the package has no workbook or the workbook no worksheet.
FirstSheet locate_first_sheet(ZipReader& zip);

// Parses a .rels part.
std::vector<Relationship> parse_relationships(std::string_view xml, const std::string& part);
// The ZIP entry name a relationship target designates: "worksheets/sheet1.xml" from
// "xl/workbook.xml" is "xl/worksheets/sheet1.xml"; "/xl/x.xml" is "xl/x.xml"; ".." climbs.
std::string resolve_target(std::string_view source_part, std::string_view target);

}  // namespace crawler::xlsx

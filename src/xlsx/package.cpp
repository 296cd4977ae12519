#include "xlsx/package.h"

#include "xlsx/errors.h"
#include "xlsx/xml_stream.h"

namespace crawler::xlsx {
namespace {

// "http://schemas.openxmlformats.org/.../relationships/worksheet" → "worksheet"; strict
// OOXML uses other URIs with the same last segment.
std::string_view type_name(std::string_view type) {
  auto slash = type.rfind('/');
  return slash == std::string_view::npos ? type : type.substr(slash + 1);
}

const Relationship* find_type(const std::vector<Relationship>& rels, std::string_view name) {
  for (const auto& r : rels)
    if (!r.external && type_name(r.type) == name) return &r;
  return nullptr;
}

// "xl/workbook.xml" → "xl/_rels/workbook.xml.rels".
std::string rels_part_of(const std::string& part) {
  auto slash = part.rfind('/');
  if (slash == std::string::npos) return "_rels/" + part + ".rels";
  return part.substr(0, slash + 1) + "_rels/" + part.substr(slash + 1) + ".rels";
}

}  // namespace

std::vector<Relationship> parse_relationships(std::string_view xml, const std::string& part) {
  std::vector<Relationship> out;
  XmlStream x(xml, part);
  while (x.next()) {
    if (!x.is_start("Relationship")) continue;
    Relationship r;
    r.id = x.attribute("Id").value_or("");
    r.type = x.attribute("Type").value_or("");
    r.target = x.attribute("Target").value_or("");
    r.external = x.attribute("TargetMode").value_or("") == "External";
    out.push_back(std::move(r));
  }
  return out;
}

std::string resolve_target(std::string_view source_part, std::string_view target) {
  std::vector<std::string> segments;
  if (!target.empty() && target.front() == '/') {
    target.remove_prefix(1);
  } else {
    // Start from the source part's folder.
    auto slash = source_part.rfind('/');
    auto folder =
        slash == std::string_view::npos ? std::string_view() : source_part.substr(0, slash);
    while (!folder.empty()) {
      auto next = folder.find('/');
      segments.emplace_back(folder.substr(0, next));
      folder = next == std::string_view::npos ? std::string_view() : folder.substr(next + 1);
    }
  }
  while (!target.empty()) {
    auto next = target.find('/');
    auto segment = target.substr(0, next);
    target = next == std::string_view::npos ? std::string_view() : target.substr(next + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.emplace_back(segment);
  }
  std::string out;
  for (const auto& s : segments) out += (out.empty() ? "" : "/") + s;
  return out;
}

FirstSheet locate_first_sheet(ZipReader& zip) {
  const std::string not_a_workbook =
      "the file is not an .xlsx workbook (a ZIP archive without a workbook part)";
  std::string workbook_part = "xl/workbook.xml";
  if (auto root_rels = zip.read("_rels/.rels")) {
    auto rels = parse_relationships(*root_rels, "_rels/.rels");
    if (const auto* doc = find_type(rels, "officeDocument"))
      workbook_part = resolve_target("", doc->target);
  }
  auto workbook = zip.read(workbook_part);
  if (!workbook) throw Error(not_a_workbook);

  std::vector<Relationship> rels;
  auto rels_part = rels_part_of(workbook_part);
  if (auto text = zip.read(rels_part)) rels = parse_relationships(*text, rels_part);

  // The first <sheet> of <sheets> is the first tab, whatever its part is called.
  std::optional<std::string> name, rel_id;
  {
    XmlStream x(*workbook, workbook_part);
    while (x.next()) {
      if (!x.is_start("sheet")) continue;
      name = x.attribute("name").value_or("");
      rel_id = x.attribute("id");  // r:id
      break;
    }
  }
  if (!name) throw Error("the workbook has no sheets");
  const Relationship* sheet_rel = nullptr;
  for (const auto& r : rels)
    if (rel_id && r.id == *rel_id) sheet_rel = &r;
  if (sheet_rel == nullptr)
    throw Error("the file is corrupt: the workbook's first sheet '" + *name + "' has no part");
  auto kind = type_name(sheet_rel->type);
  if (kind == "chartsheet")
    throw Error("the first sheet '" + *name + "' is a chart, not a table of rows");
  if (kind != "worksheet")
    throw Error("the first sheet '" + *name + "' is not a worksheet (" + std::string(kind) + ")");

  FirstSheet out{*name, resolve_target(workbook_part, sheet_rel->target), std::nullopt};
  if (const auto* sst = find_type(rels, "sharedStrings"))
    out.shared_strings_part = resolve_target(workbook_part, sst->target);
  return out;
}

}  // namespace crawler::xlsx

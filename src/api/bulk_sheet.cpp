#include "api/bulk_sheet.h"

#include <array>
#include <optional>
#include <string_view>

#include "api/api_error.h"
#include "core/target_url.h"
#include "core/utf8.h"

namespace crawler::api {
namespace {

constexpr std::array<std::string_view, 4> kKeywordHeaders{"키워드", "keyword", "Keyword",
                                                          "KEYWORD"};
constexpr std::array<std::string_view, 5> kUrlHeaders{"URL", "url", "Url", "사이트", "웹사이트"};

// Spaces around a value are typing noise in a spreadsheet, not part of the keyword.
std::string trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

template <std::size_t N>
std::optional<std::size_t> find_column(const xlsx::Row& header,
                                       const std::array<std::string_view, N>& names) {
  for (std::size_t c = 0; c < header.size(); ++c)
    for (auto n : names)
      if (trim(header[c]) == n) return c;
  return std::nullopt;
}

std::string cell(const xlsx::Row& row, std::size_t column) {
  return column < row.size() ? trim(row[column]) : std::string();
}

std::size_t utf8_chars(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

std::vector<store::NewBulkSearch::Row> bulk_rows_from_sheet(const std::vector<xlsx::Row>& rows) {
  const std::string columns =
      "a keyword column (키워드, keyword, Keyword or KEYWORD) and a URL column (URL, url, Url, "
      "사이트 or 웹사이트)";
  if (rows.empty() || rows.front().empty())
    throw BadRequest("the sheet has no header row: row 1 must name " + columns);
  auto keyword_col = find_column(rows.front(), kKeywordHeaders);
  auto url_col = find_column(rows.front(), kUrlHeaders);
  if (!keyword_col || !url_col)
    throw BadRequest(std::string("the header row (row 1) has no ") +
                     (!keyword_col && !url_col ? "keyword or URL column"
                      : !keyword_col           ? "keyword column"
                                               : "URL column") +
                     ": it must name " + columns);

  std::vector<store::NewBulkSearch::Row> out;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto row_number = "row " + std::to_string(i + 1);
    auto keyword = cell(rows[i], *keyword_col);
    auto url = cell(rows[i], *url_col);
    if (keyword.empty() && url.empty()) continue;
    if (keyword.empty()) throw BadRequest(row_number + ": the keyword is missing");
    if (url.empty()) throw BadRequest(row_number + ": the URL is missing");
    if (!is_clean_utf8(keyword) || !is_clean_utf8(url))
      throw BadRequest(row_number + ": the text contains invalid characters");
    if (utf8_chars(keyword) > kMaxBulkKeywordChars)
      throw BadRequest(row_number + ": the keyword is longer than " +
                       std::to_string(kMaxBulkKeywordChars) + " characters");
    auto normalized = normalize_target_url(url);
    if (!normalized.error.empty())
      throw BadRequest(row_number + ": invalid URL: " + normalized.error);
    out.push_back({std::move(keyword), std::move(normalized.value)});
  }
  if (out.empty()) throw BadRequest("the sheet has no keyword rows below its header");
  return out;
}

}  // namespace crawler::api

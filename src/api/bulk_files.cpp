#include "api/bulk_files.h"

#include "api/json_io.h"
#include "core/clock.h"
#include "core/percent_encoding.h"
#include "xlsx/writer.h"

namespace crawler::api {
namespace {

constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace

std::string bulk_template_xlsx() {
  xlsx::Table t;
  t.sheet_name = "키워드";
  t.columns = {{"키워드", 30}, {"URL", 40}};
  return xlsx::write_xlsx(t);
}

std::string_view bulk_status_word(store::BulkKeywordStatus status) {
  using S = store::BulkKeywordStatus;
  switch (status) {
    case S::completed:
      return "완료";
    case S::cached:
      return "캐시";
    case S::processing:
      return "처리중";
    case S::pending:
      return "대기";
    case S::failed:
      return "실패";
  }
  return "";
}

std::string bulk_export_xlsx(const std::vector<store::BulkSearchKeyword>& rows) {
  xlsx::Table t;
  t.sheet_name = "결과";
  t.columns = {{"키워드", 30}, {"URL", 40}, {"상태", 10}, {"순위", 8}, {"완료 시간", 26}};
  t.rows.reserve(rows.size());
  for (const auto& r : rows) {
    std::vector<xlsx::Cell> cells{r.keyword, r.url, std::string(bulk_status_word(r.status))};
    // A number cell, so the column sorts and filters as ranks in Excel.
    if (r.rank)
      cells.emplace_back(static_cast<double>(*r.rank));
    else
      cells.emplace_back(std::string("-"));
    auto done = r.completed_at                                 ? r.completed_at
                : r.status == store::BulkKeywordStatus::cached ? r.cached_from
                                                               : std::nullopt;
    cells.emplace_back(done ? iso8601_ms(*done) : std::string("-"));
    t.rows.push_back(std::move(cells));
  }
  return xlsx::write_xlsx(t);
}

std::string rfc5987_encode(std::string_view text) {
  return percent_encode(text, "!#$&+-.^_`|~");  // RFC 5987's attr-char beside ALPHA / DIGIT
}

http::Response xlsx_attachment(std::string bytes, const std::string& filename,
                               const std::string& ascii_fallback) {
  auto res = http::Response::text(200, std::move(bytes), kXlsxType);
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + ascii_fallback +
                                                      "\"; filename*=UTF-8''" +
                                                      rfc5987_encode(filename));
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

}  // namespace crawler::api

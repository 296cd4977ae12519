#include "store/postgres/rows.h"

#include <charconv>

#include "store/postgres/text_array.h"

namespace crawler::store::postgres::rows {
namespace {

#define CRAWLER_MS(col) "(extract(epoch FROM " col ") * 1000)::bigint"

template <class T>
T number(const std::string& s) {
  T value{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size())
    throw store::Error("unexpected number from PostgreSQL: " + s);
  return value;
}

const std::string& required(const std::optional<std::string>& field) {
  if (!field) throw store::Error("unexpected NULL from PostgreSQL");
  return *field;
}

}  // namespace

std::string ts_param(int n) {
  return "('epoch'::timestamptz + $" + std::to_string(n) + "::bigint * interval '1 millisecond')";
}

const char* const kKeywordColumnsK =
    "k.id, k.keyword, k.url, k.tags, k.target_rank, k.last_rank, " CRAWLER_MS(
        "k.last_checked_at") ", k.is_active, " CRAWLER_MS("k.created_at");

const char* const kRankingColumnsRK =
    "r.id, r.keyword_id, r.rank, r.rank_type, " CRAWLER_MS("r.checked_at") ", " CRAWLER_MS(
        "r.crawling_created_at") ", r.crawling_duration, r.total_duration, r.crawling_method, "
                                 "r.request_bytes, r.response_bytes, r.total_network_bytes, "
                                 "r.job_id, r.job_attempt, k.keyword, k.url";

const char* const kBulkSearchColumnsB =
    "b.id, b.name, b.filename, b.total_count, b.completed_count, b.pending_count, "
    "b.status, " CRAWLER_MS("b.created_at") ", " CRAWLER_MS("b.completed_at");

const char* const kBulkKeywordColumnsBK =
    "bk.id, bk.bulk_search_id, bk.keyword_id, bk.keyword, bk.url, bk.status, bk.rank, " CRAWLER_MS(
        "bk.cached_from") ", " CRAWLER_MS("bk.created_at") ", " CRAWLER_MS("bk.completed_at");

#undef CRAWLER_MS

std::int64_t i64(const std::optional<std::string>& field) {
  return number<std::int64_t>(required(field));
}
std::optional<std::int64_t> opt_i64(const std::optional<std::string>& field) {
  if (!field) return std::nullopt;
  return number<std::int64_t>(*field);
}
std::optional<int> opt_int(const std::optional<std::string>& field) {
  if (!field) return std::nullopt;
  return number<int>(*field);
}
Timestamp ts(const std::optional<std::string>& field) {
  return Timestamp(std::chrono::milliseconds(i64(field)));
}
std::optional<Timestamp> opt_ts(const std::optional<std::string>& field) {
  if (!field) return std::nullopt;
  return ts(field);
}
std::string text(const std::optional<std::string>& field) { return field.value_or(""); }

Keyword keyword(const Connection::Row& row, std::size_t first) {
  const auto* f = row.data() + first;
  Keyword k;
  k.id = i64(f[0]);
  k.keyword = text(f[1]);
  k.url = text(f[2]);
  k.tags = decode_text_array(required(f[3]));
  k.target_rank = opt_int(f[4]);
  k.last_rank = opt_int(f[5]);
  k.last_checked_at = opt_ts(f[6]);
  k.is_active = required(f[7]) == "t";
  k.created_at = ts(f[8]);
  return k;
}

namespace {

// The six measurement columns, in kRankingColumnsRK's order from f.
CrawlMeasurement crawl_measurement(const std::optional<std::string>* f) {
  CrawlMeasurement m;
  m.crawling_duration_ms = opt_i64(f[0]);
  m.total_duration_ms = opt_i64(f[1]);
  m.crawling_method = text(f[2]);
  m.request_bytes = opt_i64(f[3]);
  m.response_bytes = opt_i64(f[4]);
  m.total_network_bytes = opt_i64(f[5]);
  return m;
}

}  // namespace

Ranking ranking(const Connection::Row& row, std::size_t first) {
  const auto* f = row.data() + first;
  Ranking r;
  r.id = i64(f[0]);
  r.keyword_id = i64(f[1]);
  r.rank = opt_int(f[2]);
  r.rank_type = text(f[3]);
  r.checked_at = ts(f[4]);
  r.crawling_created_at = opt_ts(f[5]);
  r.measured = crawl_measurement(f + 6);
  r.job_id = text(f[12]);
  r.job_attempt = opt_int(f[13]);
  r.keyword = text(f[14]);
  r.url = text(f[15]);
  return r;
}

BulkSearch bulk_search(const Connection::Row& row, std::size_t first) {
  const auto* f = row.data() + first;
  BulkSearch b;
  b.id = i64(f[0]);
  b.name = text(f[1]);
  b.filename = f[2];
  b.total_count = static_cast<int>(i64(f[3]));
  b.completed_count = static_cast<int>(i64(f[4]));
  b.pending_count = static_cast<int>(i64(f[5]));
  b.status = text(f[6]);
  b.created_at = ts(f[7]);
  b.completed_at = opt_ts(f[8]);
  return b;
}

BulkSearchKeyword bulk_keyword(const Connection::Row& row, std::size_t first) {
  const auto* f = row.data() + first;
  BulkSearchKeyword k;
  k.id = i64(f[0]);
  k.bulk_search_id = i64(f[1]);
  k.keyword_id = opt_i64(f[2]);
  k.keyword = text(f[3]);
  k.url = text(f[4]);
  auto status = parse_bulk_keyword_status(required(f[5]));
  if (!status) throw store::Error("unknown bulk keyword status from PostgreSQL: " + *f[5]);
  k.status = *status;
  k.rank = opt_int(f[6]);
  k.cached_from = opt_ts(f[7]);
  k.created_at = ts(f[8]);
  k.completed_at = opt_ts(f[9]);
  return k;
}

}  // namespace crawler::store::postgres::rows

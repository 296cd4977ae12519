#include "store/sqlite/rows.h"

#include <boost/json.hpp>

namespace crawler::store::sqlite {

std::string encode_tags(const std::vector<std::string>& tags) {
  boost::json::array array;
  array.reserve(tags.size());
  for (const auto& tag : tags) array.emplace_back(boost::json::string(tag.data(), tag.size()));
  return boost::json::serialize(array);
}

std::vector<std::string> decode_tags(const std::string& json) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_array()) throw store::Error("stored tags are not a JSON array: " + json);
  std::vector<std::string> tags;
  tags.reserve(value.as_array().size());
  for (const auto& element : value.as_array()) {
    if (!element.is_string()) throw store::Error("stored tags hold a non-string: " + json);
    const auto& tag = element.as_string();
    tags.emplace_back(tag.data(), tag.size());
  }
  return tags;
}

const char* const kKeywordColumnsK =
    "k.id, k.keyword, k.url, k.tags, k.target_rank, k.last_rank, k.last_checked_at, "
    "k.is_active, k.created_at";

const char* const kKeywordColumns =
    "id, keyword, url, tags, target_rank, last_rank, last_checked_at, is_active, created_at";

const char* const kRankingColumnsRK =
    "r.id, r.keyword_id, r.rank, r.rank_type, r.checked_at, r.crawling_created_at, "
    "r.crawling_duration, r.total_duration, r.crawling_method, r.request_bytes, "
    "r.response_bytes, r.total_network_bytes, r.job_id, r.job_attempt, k.keyword, k.url";

const char* const kBulkSearchColumnsB =
    "b.id, b.name, b.filename, b.total_count, b.completed_count, b.pending_count, b.status, "
    "b.created_at, b.completed_at";

const char* const kBulkSearchColumns =
    "id, name, filename, total_count, completed_count, pending_count, status, created_at, "
    "completed_at";

const char* const kBulkKeywordColumnsBK =
    "bk.id, bk.bulk_search_id, bk.keyword_id, bk.keyword, bk.url, bk.status, bk.rank, "
    "bk.cached_from, bk.created_at, bk.completed_at";

namespace {

std::optional<int> opt_int(const sql::Statement& row, int column) {
  auto v = row.optional_int64(column);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<Timestamp> opt_ts(const sql::Statement& row, int column) {
  auto v = row.optional_int64(column);
  if (!v) return std::nullopt;
  return ts(*v);
}

// The six measurement columns, in kRankingColumnsRK's order from column f.
CrawlMeasurement crawl_measurement(const sql::Statement& row, int f) {
  CrawlMeasurement m;
  m.crawling_duration_ms = row.optional_int64(f);
  m.total_duration_ms = row.optional_int64(f + 1);
  m.crawling_method = row.text(f + 2);
  m.request_bytes = row.optional_int64(f + 3);
  m.response_bytes = row.optional_int64(f + 4);
  m.total_network_bytes = row.optional_int64(f + 5);
  return m;
}

}  // namespace

Keyword keyword(const sql::Statement& row, int f) {
  Keyword k;
  k.id = row.int64(f);
  k.keyword = row.text(f + 1);
  k.url = row.text(f + 2);
  k.tags = decode_tags(row.text(f + 3));
  k.target_rank = opt_int(row, f + 4);
  k.last_rank = opt_int(row, f + 5);
  k.last_checked_at = opt_ts(row, f + 6);
  k.is_active = row.int64(f + 7) != 0;
  k.created_at = ts(row.int64(f + 8));
  return k;
}

Ranking ranking(const sql::Statement& row, int f) {
  Ranking r;
  r.id = row.int64(f);
  r.keyword_id = row.int64(f + 1);
  r.rank = opt_int(row, f + 2);
  r.rank_type = row.text(f + 3);
  r.checked_at = ts(row.int64(f + 4));
  r.crawling_created_at = opt_ts(row, f + 5);
  r.measured = crawl_measurement(row, f + 6);
  r.job_id = row.text(f + 12);
  r.job_attempt = opt_int(row, f + 13);
  r.keyword = row.text(f + 14);
  r.url = row.text(f + 15);
  return r;
}

BulkSearch bulk_search(const sql::Statement& row, int f) {
  BulkSearch b;
  b.id = row.int64(f);
  b.name = row.text(f + 1);
  b.filename = row.optional_text(f + 2);
  b.total_count = static_cast<int>(row.int64(f + 3));
  b.completed_count = static_cast<int>(row.int64(f + 4));
  b.pending_count = static_cast<int>(row.int64(f + 5));
  b.status = row.text(f + 6);
  b.created_at = ts(row.int64(f + 7));
  b.completed_at = opt_ts(row, f + 8);
  return b;
}

BulkSearchKeyword bulk_keyword(const sql::Statement& row, int f) {
  BulkSearchKeyword k;
  k.id = row.int64(f);
  k.bulk_search_id = row.int64(f + 1);
  k.keyword_id = row.optional_int64(f + 2);
  k.keyword = row.text(f + 3);
  k.url = row.text(f + 4);
  auto text = row.text(f + 5);
  auto status = parse_bulk_keyword_status(text);
  if (!status) throw store::Error("unknown bulk keyword status in SQLite: " + text);
  k.status = *status;
  k.rank = opt_int(row, f + 6);
  k.cached_from = opt_ts(row, f + 7);
  k.created_at = ts(row.int64(f + 8));
  k.completed_at = opt_ts(row, f + 9);
  return k;
}

void throw_store_error(const sql::Error& e, const std::string& what) {
  std::string message = "SQLite store, " + what + ": " + e.what();
  switch (e.code() & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      throw Unavailable(message);
    default:
      throw Error(message);
  }
}

}  // namespace crawler::store::sqlite

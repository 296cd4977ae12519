// Thin adapters: multipart.h takes the upload apart, xlsx/ reads the sheet, bulk_sheet.h turns
// it into rows, the store decides cached vs pending (in one transaction), worker/crawl_job.h
// queues the pending rows, bulk_files.h writes the template and the export.
//
// Every way an upload can be wrong is a 4xx with a message for the person who made the file:
// not multipart, no file, over 10 MB (413), not an .xlsx, corrupt, a zip bomb or too many
// rows (400, from the reader's limits), no keyword/URL header, or a bad row (400 naming it).
// When queueing fails after the search was stored (Redis down), the search is deleted again
// and the answer is 503: the client never sees a search whose rows will never be crawled.
#include "api/bulk_routes.h"

#include <boost/json.hpp>

#include "api/api_error.h"
#include "api/bulk_files.h"
#include "api/bulk_sheet.h"
#include "api/handler.h"
#include "api/json_io.h"
#include "api/multipart.h"
#include "api/params.h"
#include "core/ascii.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "worker/crawl_job.h"
#include "xlsx/reader.h"

namespace crawler::api {
namespace {

constexpr std::size_t kMaxUploadBytes = 10 * 1024 * 1024;
constexpr std::size_t kMaxBulkKeywords = 100'000;
constexpr std::size_t kMaxNameBytes = 255 * 4;  // 255 characters of up to 4 UTF-8 bytes
constexpr int kExportPage = 1000;

boost::json::value to_json(const store::BulkSearch& s) {
  return boost::json::object{{"id", s.id},
                             {"name", s.name},
                             {"filename", s.filename ? boost::json::value(*s.filename) : nullptr},
                             {"total_count", s.total_count},
                             {"completed_count", s.completed_count},
                             {"pending_count", s.pending_count},
                             {"status", s.status},
                             {"created_at", timestamp(s.created_at)},
                             {"completed_at", timestamp(s.completed_at)}};
}

boost::json::value to_json(const store::BulkSearchKeyword& k) {
  return boost::json::object{
      {"id", k.id},
      {"bulk_search_id", k.bulk_search_id},
      {"keyword_id", k.keyword_id ? boost::json::value(*k.keyword_id) : nullptr},
      {"keyword", k.keyword},
      {"url", k.url},
      {"status", store::to_string(k.status)},
      {"rank", k.rank ? boost::json::value(*k.rank) : nullptr},
      {"cached_from", timestamp(k.cached_from)},
      {"created_at", timestamp(k.created_at)},
      {"completed_at", timestamp(k.completed_at)}};
}

// The uploaded file's name as the client sent it (browsers send only the base name; some
// older ones the full path, which is cut here).
std::optional<std::string> upload_filename(const FormPart& file) {
  if (!file.filename) return std::nullopt;
  std::string name = *file.filename;
  auto slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  name = std::string(ascii_trim(name));
  if (name.empty()) return std::nullopt;
  if (!is_clean_utf8(name) || name.size() > kMaxNameBytes)
    throw BadRequest("file name must be valid UTF-8 of at most 255 characters");
  return name;
}

std::string search_name(const std::vector<FormPart>& parts,
                        const std::optional<std::string>& filename) {
  if (const auto* part = find_part(parts, "name")) {
    std::string name(ascii_trim(part->data));
    if (!is_clean_utf8(name)) throw BadRequest("name must be valid UTF-8 text");
    if (name.size() > kMaxNameBytes) throw BadRequest("name is longer than 255 characters");
    if (!name.empty()) return name;
  }
  // A bulk search needs a name; a client that sends none gets the file's name.
  if (filename) {
    auto dot = filename->rfind('.');
    std::string stem(
        ascii_trim(std::string_view(*filename).substr(0, dot == 0 ? filename->size() : dot)));
    if (!stem.empty()) return stem;
  }
  return "bulk search";
}

http::Response upload(store::Store& store, queue::Queue& queue,
                      std::chrono::milliseconds cache_interval, http::Request& req) {
  auto parts = parse_multipart(req);
  const auto* file = find_part(parts, "file");
  if (file == nullptr)
    throw BadRequest("file is required: send the .xlsx in a multipart field named 'file'");
  if (file->data.size() > kMaxUploadBytes) throw ApiError(413, "file is larger than 10 MB");
  if (file->data.empty()) throw BadRequest("file is empty");
  auto filename = upload_filename(*file);
  auto name = search_name(parts, filename);

  xlsx::ReadLimits limits;
  limits.max_rows = kMaxBulkKeywords + 1;  // the header and 100,000 keywords
  xlsx::Sheet sheet;
  try {
    sheet = xlsx::read_first_sheet(file->data, limits);
  } catch (const xlsx::LimitExceeded& e) {
    throw BadRequest(std::string(e.what()) +
                     " (a bulk search takes at most 100000 keywords in a file of at most 10 MB)");
  } catch (const xlsx::Error& e) {
    throw BadRequest(e.what());
  }
  store::NewBulkSearch search{name, filename, bulk_rows_from_sheet(sheet.rows)};
  sheet = {};  // the rows are copied; free the sheet before the long part

  auto created = store.create_bulk_search(search, now_ms(), cache_interval);
  int queued = 0;
  try {
    queued = worker::enqueue_bulk(queue, created.keywords);
  } catch (...) {
    try {
      store.delete_bulk_search(created.search.id);
    } catch (...) {
      // The queue error below is the one to report.
    }
    throw;
  }
  std::int64_t cached = 0, pending = 0;
  for (const auto& k : created.keywords) {
    if (k.status == store::BulkKeywordStatus::cached) ++cached;
    if (k.status == store::BulkKeywordStatus::pending) ++pending;
  }
  return ok(boost::json::object{{"id", created.search.id},
                                {"totalCount", created.search.total_count},
                                {"cachedCount", cached},
                                {"pendingCount", pending},
                                {"queuedCount", queued}});
}

// A limit above `max` is lowered to it (clients rely on the clamp), nonsense is a 400.
int page_limit(const http::Request& req, std::int64_t fallback, std::int64_t max) {
  return static_cast<int>(std::min(query_int(req, "limit", fallback, 1, 1'000'000), max));
}

store::BulkSearch find_search(store::Store& store, const http::Request& req) {
  auto search = store.get_bulk_search(path_id(req, "id"));
  if (!search) throw NotFound("Bulk search not found");
  return *search;
}

http::Response list(store::Store& store, http::Request& req) {
  auto page = static_cast<int>(query_int(req, "page", 1, 1, 1'000'000));
  auto limit = page_limit(req, 20, 100);
  auto result = store.list_bulk_searches(page, limit);
  boost::json::array rows;
  for (const auto& s : result.bulk_searches) rows.push_back(to_json(s));
  return ok(boost::json::object{{"bulkSearches", std::move(rows)},
                                {"total", result.total},
                                {"page", page},
                                {"limit", limit}});
}

http::Response keywords(store::Store& store, http::Request& req) {
  auto search = find_search(store, req);
  auto page = static_cast<int>(query_int(req, "page", 1, 1, 1'000'000));
  auto limit = page_limit(req, 100, 1000);
  std::optional<store::BulkKeywordStatus> status;
  if (auto raw = req.query("status"); raw && !raw->empty() && *raw != "all")
    status = store::parse_bulk_keyword_status(
        query_enum(req, "status", "", {"pending", "processing", "completed", "cached", "failed"}));
  auto result = store.bulk_search_keywords(search.id, page, limit, status);
  boost::json::array rows;
  for (const auto& k : result.keywords) rows.push_back(to_json(k));
  return ok(boost::json::object{
      {"keywords", std::move(rows)}, {"total", result.total}, {"page", page}, {"limit", limit}});
}

// A name usable as a file name: no path separators, quotes or control characters.
std::string file_safe(std::string name) {
  for (auto& c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '/' || c == '\\' || c == '"' || c == ':' || c == '*' ||
        c == '?' || c == '<' || c == '>' || c == '|')
      c = '_';
  }
  return name;
}

http::Response export_results(store::Store& store, http::Request& req) {
  auto search = find_search(store, req);
  std::vector<store::BulkSearchKeyword> rows;
  rows.reserve(static_cast<std::size_t>(std::max(search.total_count, 0)));
  for (int page = 1;; ++page) {
    auto chunk = store.bulk_search_keywords(search.id, page, kExportPage, std::nullopt);
    rows.insert(rows.end(), chunk.keywords.begin(), chunk.keywords.end());
    if (chunk.keywords.size() < static_cast<std::size_t>(kExportPage)) break;
  }
  return xlsx_attachment(bulk_export_xlsx(rows), file_safe(search.name) + "_결과.xlsx",
                         "bulk-search-" + std::to_string(search.id) + ".xlsx");
}

const std::vector<int> kNotFound{400, 404};

}  // namespace

void add_bulk_routes(http::Router& router, store::Store& store, queue::Queue& queue,
                     std::chrono::milliseconds cache_interval) {
  const char* xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  const http::Param id{"id", "path", "integer", true, "bulk search id"};
  // Registered before "/api/bulk-searches/:id", which would otherwise take "template".
  router.get("/api/bulk-searches/template", handle([](http::Request&) {
               return xlsx_attachment(bulk_template_xlsx(), "대량검색_템플릿.xlsx",
                                      "bulk-search-template.xlsx");
             }),
             {.summary = "An .xlsx template for bulk uploads (header row 키워드 | URL)",
              .tag = "bulk-searches",
              .response_media = xlsx_type});
  router.post(
      "/api/bulk-searches/upload", handle([&store, &queue, cache_interval](http::Request& r) {
        return upload(store, queue, cache_interval, r);
      }),
      {.summary = "Upload an .xlsx of keyword+url rows (multipart fields 'file' ≤ 10 MB and "
                  "'name'); recent results are reused, the rest queued at priority 50",
       .tag = "bulk-searches",
       .request_media = "multipart/form-data",
       .response_schema = "BulkUploadResult",
       .errors = {400, 413}});
  router.get(
      "/api/bulk-searches", handle([&store](http::Request& r) { return list(store, r); }),
      {.summary = "List bulk searches, newest first",
       .tag = "bulk-searches",
       .params = {{"page", "query", "integer", false, "1-based page (default 1)"},
                  {"limit", "query", "integer", false, "rows per page (default 20, at most 100)"}},
       .response_schema = "BulkSearchPage",
       .errors = {400}});
  router.get("/api/bulk-searches/:id",
             handle([&store](http::Request& r) { return ok(to_json(find_search(store, r))); }),
             {.summary = "One bulk search and its counts",
              .tag = "bulk-searches",
              .params = {id},
              .response_schema = "BulkSearch",
              .errors = kNotFound});
  router.get(
      "/api/bulk-searches/:id/keywords",
      handle([&store](http::Request& r) { return keywords(store, r); }),
      {.summary = "A bulk search's rows in file order, optionally by status",
       .tag = "bulk-searches",
       .params = {id,
                  {"page", "query", "integer", false, "1-based page (default 1)"},
                  {"limit", "query", "integer", false, "rows per page (default 100, at most 1000)"},
                  {"status", "query", "string", false,
                   "pending | processing | completed | cached | failed"}},
       .response_schema = "BulkKeywordPage",
       .errors = kNotFound});
  router.get("/api/bulk-searches/:id/export",
             handle([&store](http::Request& r) { return export_results(store, r); }),
             {.summary = "The results as .xlsx: 키워드, URL, 상태, 순위, 완료 시간",
              .tag = "bulk-searches",
              .params = {id},
              .response_media = xlsx_type,
              .errors = kNotFound});
  router.del("/api/bulk-searches/:id", handle([&store](http::Request& r) {
               auto search_id = path_id(r, "id");
               if (!store.delete_bulk_search(search_id)) throw NotFound("Bulk search not found");
               return ok(boost::json::object{{"id", search_id}});
             }),
             {.summary = "Delete a bulk search and its rows",
              .tag = "bulk-searches",
              .params = {id},
              .response_schema = "Deleted",
              .errors = kNotFound});
}

}  // namespace crawler::api

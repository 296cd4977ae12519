// Thin adapters: parse and validate the HTTP input, call the store, shape the answer. The rules
// (url normalisation, duplicate detection, sort semantics) live in core/ and store/.
#include "api/keyword_routes.h"

#include <boost/json/array.hpp>
#include <charconv>

#include "api/api_error.h"
#include "api/bulk_sheet.h"
#include "api/handler.h"
#include "api/json_io.h"
#include "api/keyword_bulk.h"
#include "api/multipart.h"
#include "api/params.h"
#include "api/representation.h"
#include "core/target_url.h"
#include "xlsx/reader.h"

namespace crawler::api {
namespace {

constexpr std::size_t kMaxKeywordBytes = 255;
constexpr std::size_t kMaxTags = 50;
constexpr std::size_t kMaxTagBytes = 100;
constexpr std::int64_t kMaxRank = 1000;

store::KeywordSort parse_sort(const std::string& s) {
  if (s == "lastChecked") return store::KeywordSort::last_checked;
  if (s == "keyword") return store::KeywordSort::keyword;
  if (s == "rank") return store::KeywordSort::rank;
  return store::KeywordSort::created;
}

std::optional<int> target_rank(const boost::json::object& body) {
  auto v = get_int(body, "targetRank", 1, kMaxRank);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

http::Response create_keyword(store::Store& store, http::Request& req) {
  auto body = parse_object(req);
  auto keyword = get_string(body, "keyword", kMaxKeywordBytes);
  auto url = get_string(body, "url", 2048);
  if (!keyword || !url || keyword->empty() || url->empty())
    throw BadRequest("Missing keyword or url");
  auto normalized = normalize_target_url(*url);
  if (!normalized.error.empty()) throw BadRequest(normalized.error);
  store::NewKeyword k{
      *keyword, normalized.value,
      get_string_array(body, "tags", kMaxTags, kMaxTagBytes).value_or(std::vector<std::string>{}),
      target_rank(body)};
  return ok(to_json(store.add_keyword(k)), 201);
}

http::Response list_keywords(store::Store& store, http::Request& req) {
  store::KeywordQuery q;
  q.page = static_cast<int>(query_int(req, "page", 1, 1, 1'000'000));
  q.limit = static_cast<int>(query_int(req, "limit", 100, 1, 1000));
  q.sort_by = parse_sort(
      query_enum(req, "sortBy", "created", {"created", "lastChecked", "keyword", "rank"}));
  auto order = query_enum(req, "order", "desc", {"asc", "desc", "ASC", "DESC"});
  q.ascending = order == "asc" || order == "ASC";
  q.search = query_string(req, "search", 255).value_or("");
  q.tag = query_string(req, "tag", kMaxTagBytes);
  auto page = store.list_keywords(q);
  boost::json::array rows;
  for (const auto& k : page.keywords) rows.push_back(to_json(k));
  return ok(boost::json::object{{"keywords", std::move(rows)}, {"total", page.total}});
}

http::Response update_keyword(store::Store& store, http::Request& req) {
  auto id = path_id(req, "id");
  auto body = parse_object(req);
  store::KeywordUpdate update;
  update.tags = get_string_array(body, "tags", kMaxTags, kMaxTagBytes);
  if (body.contains("targetRank")) update.target_rank = target_rank(body);
  auto updated = store.update_keyword(id, update);
  if (!updated) throw NotFound("Keyword not found");
  return ok(to_json(*updated));
}

http::Response delete_keyword(store::Store& store, http::Request& req) {
  auto id = path_id(req, "id");
  if (!store.delete_keyword(id)) throw NotFound("Keyword not found");
  return ok(boost::json::object{{"id", id}});
}

constexpr std::size_t kMaxLatestIds = 200;  // a page of the dashboard shows at most 100
constexpr std::size_t kMaxImportRows = 5000;
constexpr std::size_t kMaxImportFileBytes = 10 * 1024 * 1024;

http::Response latest_ranks_route(store::Store& store, http::Request& req) {
  auto raw = query_string(req, "ids", kMaxLatestIds * 21).value_or("");
  std::vector<std::int64_t> ids;
  std::size_t start = 0;
  while (start <= raw.size() && !raw.empty()) {
    auto comma = raw.find(',', start);
    auto item = raw.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (ec != std::errc() || end != item.data() + item.size() || id < 1)
      throw BadRequest("ids must be a comma list of positive integers, got '" + item.substr(0, 30) +
                       "'");
    ids.push_back(id);
    if (ids.size() > kMaxLatestIds)
      throw BadRequest("ids has more than " + std::to_string(kMaxLatestIds) + " items");
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (ids.empty()) throw BadRequest("ids is required: a comma list of keyword ids");
  auto check = [](const std::optional<LatestCheck>& c) -> boost::json::value {
    if (!c) return nullptr;
    return boost::json::object{{"rank", c->rank ? boost::json::value(*c->rank) : nullptr},
                               {"checked_at", timestamp(c->checked_at)},
                               {"method", c->method}};
  };
  boost::json::object out;
  for (const auto& [id, latest] : latest_ranks(store, ids))
    out[std::to_string(id)] =
        boost::json::object{{"AD", check(latest.ad)}, {"ORGANIC", check(latest.organic)}};
  return ok(std::move(out));
}

std::vector<KeywordInput> import_rows_from_json(http::Request& req) {
  auto body = parse_object(req);
  auto it = body.find("keywords");
  if (it == body.end() || !it->value().is_array())
    throw BadRequest("keywords must be an array of {keyword, url, tags?, targetRank?}");
  const auto& items = it->value().as_array();
  if (items.empty()) throw BadRequest("keywords must not be empty");
  if (items.size() > kMaxImportRows)
    throw BadRequest("keywords has more than " + std::to_string(kMaxImportRows) + " items");
  std::vector<KeywordInput> rows;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto where = "keywords[" + std::to_string(i) + "]";
    if (!items[i].is_object()) throw BadRequest(where + " must be an object");
    const auto& o = items[i].as_object();
    try {
      KeywordInput row;
      row.keyword = get_string(o, "keyword", kMaxKeywordBytes).value_or("");
      row.url = get_string(o, "url", 2048).value_or("");
      row.tags =
          get_string_array(o, "tags", kMaxTags, kMaxTagBytes).value_or(std::vector<std::string>{});
      row.target_rank = target_rank(o);
      rows.push_back(std::move(row));
    } catch (const BadRequest& e) {
      throw BadRequest(where + "." + e.what());
    }
  }
  return rows;
}

std::vector<KeywordInput> import_rows_from_xlsx(http::Request& req) {
  auto parts = parse_multipart(req);
  const auto* file = find_part(parts, "file");
  if (file == nullptr)
    throw BadRequest("file is required: send the .xlsx in a multipart field named 'file'");
  if (file->data.size() > kMaxImportFileBytes) throw ApiError(413, "file is larger than 10 MB");
  if (file->data.empty()) throw BadRequest("file is empty");
  xlsx::ReadLimits limits;
  limits.max_rows = kMaxImportRows + 1;
  xlsx::Sheet sheet;
  try {
    sheet = xlsx::read_first_sheet(file->data, limits);
  } catch (const xlsx::LimitExceeded& e) {
    throw BadRequest(std::string(e.what()) + " (at most " + std::to_string(kMaxImportRows) +
                     " keywords per file)");
  } catch (const xlsx::Error& e) {
    throw BadRequest(e.what());
  }
  std::vector<KeywordInput> rows;
  for (auto& r : bulk_rows_from_sheet(sheet.rows))  // same columns and row errors as bulk search
    rows.push_back({std::move(r.keyword), std::move(r.url), {}, std::nullopt});
  return rows;
}

http::Response import_route(store::Store& store, http::Request& req) {
  bool multipart = req.header("content-type").find("multipart/") != std::string_view::npos;
  auto rows = multipart ? import_rows_from_xlsx(req) : import_rows_from_json(req);
  std::int64_t added = 0, exists = 0, invalid = 0;
  boost::json::array results;
  for (const auto& o : import_keywords(store, rows)) {
    (o.status == "added" ? added : o.status == "exists" ? exists : invalid) += 1;
    boost::json::object r{{"status", o.status}, {"id", o.id ? boost::json::value(*o.id) : nullptr}};
    if (!o.error.empty()) r["error"] = o.error;
    results.push_back(std::move(r));
  }
  return ok(boost::json::object{
      {"added", added}, {"exists", exists}, {"invalid", invalid}, {"results", std::move(results)}});
}

}  // namespace

void add_keyword_routes(http::Router& router, store::Store& store) {
  router.post("/api/keywords",
              handle([&store](http::Request& r) { return create_keyword(store, r); }),
              {.summary = "Register a keyword and the url to watch",
               .tag = "keywords",
               .request_schema = "NewKeyword",
               .response_schema = "Keyword",
               .errors = {400, 409}});
  router.get(
      "/api/keywords", handle([&store](http::Request& r) { return list_keywords(store, r); }),
      {.summary = "List keywords (paginated, sorted, filtered)",
       .tag = "keywords",
       .params = {{"page", "query", "integer", false, "1-based page (default 1)"},
                  {"limit", "query", "integer", false, "rows per page, 1-1000 (default 100)"},
                  {"sortBy", "query", "string", false, "created | lastChecked | keyword | rank"},
                  {"order", "query", "string", false, "asc | desc (default desc)"},
                  {"search", "query", "string", false, "substring of keyword or url"},
                  {"tag", "query", "string", false, "only keywords with this tag"}},
       .response_schema = "KeywordPage",
       .errors = {400}});
  router.get("/api/keywords/latest-ranks",
             handle([&store](http::Request& r) { return latest_ranks_route(store, r); }),
             {.summary = "The latest AD and ORGANIC result of each keyword (rank null = not found)",
              .tag = "keywords",
              .params = {{"ids", "query", "string", true, "comma list of keyword ids (≤ 200)"}},
              .response_schema = "LatestRanks",
              .errors = {400}});
  router.post("/api/keywords/import",
              handle([&store](http::Request& r) { return import_route(store, r); }),
              {.summary = "Add many keywords: JSON {keywords:[...]} or a multipart .xlsx 'file' "
                          "(columns 키워드/keyword and URL); duplicates are reported, not errors",
               .tag = "keywords",
               .request_schema = "KeywordImport",
               .response_schema = "KeywordImportResult",
               .errors = {400, 413}});
  router.get("/api/keywords/:id", handle([&store](http::Request& r) {
               auto keyword = store.get_keyword(path_id(r, "id"));
               if (!keyword) throw NotFound("Keyword not found");
               return ok(to_json(*keyword));
             }),
             {.summary = "One keyword",
              .tag = "keywords",
              .params = {{"id", "path", "integer", true, "keyword id"}},
              .response_schema = "Keyword",
              .errors = {400, 404}});
  router.put("/api/keywords/:id",
             handle([&store](http::Request& r) { return update_keyword(store, r); }),
             {.summary = "Change a keyword's tags and target rank",
              .tag = "keywords",
              .params = {{"id", "path", "integer", true, "keyword id"}},
              .request_schema = "KeywordUpdate",
              .response_schema = "Keyword",
              .errors = {400, 404}});
  router.del("/api/keywords/:id",
             handle([&store](http::Request& r) { return delete_keyword(store, r); }),
             {.summary = "Delete a keyword and its rankings",
              .tag = "keywords",
              .params = {{"id", "path", "integer", true, "keyword id"}},
              .response_schema = "Deleted",
              .errors = {400, 404}});
}

void add_ranking_routes(http::Router& router, store::Store& store) {
  router.get("/api/rankings", handle([&store](http::Request& req) {
               std::optional<std::int64_t> keyword_id;
               if (auto raw = req.query("keywordId"); raw && !raw->empty())
                 keyword_id = query_int(req, "keywordId", 0, 1, INT64_MAX);
               boost::json::array rows;
               for (const auto& r : store.latest_rankings(1000, keyword_id))
                 rows.push_back(to_json(r, true));
               return ok(std::move(rows));
             }),
             {.summary = "The latest 1000 rankings with their keyword and url",
              .tag = "rankings",
              .params = {{"keywordId", "query", "integer", false, "only this keyword's rankings"}},
              .response_schema = "RankingList",
              .errors = {400}});
  router.get("/api/rankings/:keywordId/rankings", handle([&store](http::Request& req) {
               auto id = path_id(req, "keywordId");
               boost::json::array rows;
               for (const auto& r : store.keyword_rankings(id, 1000))
                 rows.push_back(to_json(r, false));
               return ok(std::move(rows));
             }),
             {.summary = "One keyword's ranking history, newest first",
              .tag = "rankings",
              .params = {{"keywordId", "path", "integer", true, "keyword id"}},
              .response_schema = "RankingList",
              .errors = {400}});
}

}  // namespace crawler::api

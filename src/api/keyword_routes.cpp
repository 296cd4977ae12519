// Thin adapters: parse and validate the HTTP input, call the store, shape the answer. The rules
// (url normalisation, duplicate detection, sort semantics) live in core/ and store/.
#include "api/keyword_routes.h"

#include <boost/json/array.hpp>

#include "api/api_error.h"
#include "api/handler.h"
#include "api/json_io.h"
#include "api/params.h"
#include "api/representation.h"
#include "core/target_url.h"

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

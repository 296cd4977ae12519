// /api/keywords and /api/rankings over real HTTP: the original's behaviour (envelope, status
// codes, sorting, search, tags) and the guards it lacked (types, ranges, UTF-8, auth, CORS).
// The ApiKeywords suite runs twice: against PostgreSQL + Redis and in embedded mode (SQLite),
// which must answer the same.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/crawler_process.h"
#include "support/http_client.h"

using namespace crawler::testing;
namespace json = boost::json;

namespace {

class ApiKeywords : public ::testing::TestWithParam<Storage> {
 protected:
  // A fresh api process and database per test: no test sees another's rows.
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(std::map<std::string, std::string>{}, GetParam());
  }
  void TearDown() override { server_.reset(); }

  static HttpResult call(const std::string& method, const std::string& path,
                         const std::string& body = "", std::vector<std::string> headers = {}) {
    return http_request(method, server_->url(path), body, headers);
  }
  static json::object body_of(const HttpResult& r) {
    auto v = json::parse(r.body);
    EXPECT_TRUE(v.is_object()) << r.body;
    return v.as_object();
  }
  static std::int64_t add(const std::string& keyword, const std::string& url,
                          const std::string& extra = "") {
    auto r = call("POST", "/api/keywords",
                  "{\"keyword\":\"" + keyword + "\",\"url\":\"" + url + "\"" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return body_of(r)["data"].at("id").as_int64();
  }
  static json::array list(const std::string& query) {
    auto r = call("GET", "/api/keywords" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return body_of(r)["data"].at("keywords").as_array();
  }
  static std::vector<std::string> keywords_of(const json::array& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) out.emplace_back(row.at("keyword").as_string());
    return out;
  }

  static inline std::unique_ptr<ApiServer> server_;
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Storage, ApiKeywords,
                         ::testing::Values(Storage::servers, Storage::embedded),
                         [](const auto& param_info) { return to_string(param_info.param); });

TEST_P(ApiKeywords, CreateNormalisesTheUrlAndReturnsTheRow) {
  auto r = call(
      "POST", "/api/keywords",
      R"({"keyword":"강남 맛집","url":"https://www.example.com/menu","tags":["food","seoul"],"targetRank":3})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto data = body_of(r)["data"].as_object();
  EXPECT_EQ(body_of(r)["success"], true);
  EXPECT_EQ(data["keyword"].as_string(), "강남 맛집");
  EXPECT_EQ(data["url"].as_string(), "example.com/menu");
  EXPECT_EQ(data["tags"].as_array().size(), 2u);
  EXPECT_EQ(data["target_rank"].as_int64(), 3);
  EXPECT_TRUE(data["last_rank"].is_null());
  EXPECT_TRUE(data["last_checked_at"].is_null());
  EXPECT_EQ(data["is_active"], true);
  EXPECT_TRUE(data["created_at"].as_string().ends_with("Z"));
}

TEST_P(ApiKeywords, DuplicateIs409WithTheExistingId) {
  auto id = add("coffee", "http://www.cafe.example");
  auto r = call("POST", "/api/keywords", R"({"keyword":"coffee","url":"https://cafe.example"})");
  EXPECT_EQ(r.status, 409) << r.body;
  auto b = body_of(r);
  EXPECT_EQ(b["success"], false);
  EXPECT_EQ(b["existingId"].as_int64(), id);
}

TEST_P(ApiKeywords, MissingOrInvalidInputIs400NamingTheProblem) {
  struct Case {
    std::string body, expect;
  };
  for (const auto& c : std::vector<Case>{
           {R"({"url":"a.com"})", "Missing keyword or url"},
           {R"({"keyword":"k"})", "Missing keyword or url"},
           {R"({"keyword":"k","url":"ftp://a.com"})", "http or https"},
           {R"j({"keyword":"k","url":"javascript:alert(1)"})j", "http or https"},
           {R"({"keyword":5,"url":"a.com"})", "keyword must be a string"},
           {R"({"keyword":"k","url":"a.com","targetRank":"high"})", "targetRank"},
           {R"({"keyword":"k","url":"a.com","targetRank":99999999999999999999})", "targetRank"},
           {R"({"keyword":"k","url":"a.com","targetRank":-1})", "targetRank"},
           {R"({"keyword":"k","url":"a.com","tags":"x"})", "tags"},
           {R"({"keyword":"k","url":"a.com","tags":[1]})", "tags"},
           {R"({"keyword":"k\u0000","url":"a.com"})", "keyword"},
           {"[1,2]", "JSON object"},
           {"{not json", "not valid JSON"},
           {"\xff\xfe", "not valid JSON"},
           {"{\"keyword\":\"" + std::string(300, 'k') + "\",\"url\":\"a.com\"}", "keyword"},
       }) {
    auto r = call("POST", "/api/keywords", c.body);
    EXPECT_EQ(r.status, 400) << c.body << " → " << r.body;
    EXPECT_NE(r.body.find(c.expect), std::string::npos) << c.body << " → " << r.body;
  }
  EXPECT_EQ(list("").size(), 0u) << "nothing was written";
}

TEST_P(ApiKeywords, SqlMetacharactersAreJustText) {
  auto id = add("'; DROP TABLE keywords; --", "a.com");
  auto rows = list("?search=%27%3B%20DROP");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("id").as_int64(), id);
  EXPECT_EQ(list("?search=%25").size(), 0u) << "% is literal, not a wildcard";
  EXPECT_EQ(list("?search=_").size(), 0u) << "_ is literal, not a wildcard";
}

TEST_P(ApiKeywords, ListPaginatesSortsSearchesAndFiltersByTag) {
  add("banana", "b.com", R"(,"tags":["fruit"])");
  add("apple", "a.com", R"(,"tags":["fruit","red"])");
  add("carrot", "shop.example/veg", R"(,"tags":["veg"])");
  auto r = call("GET", "/api/keywords?limit=2&page=1&sortBy=keyword&order=asc");
  auto data = body_of(r)["data"].as_object();
  EXPECT_EQ(data["total"].as_int64(), 3);
  EXPECT_EQ(keywords_of(data["keywords"].as_array()),
            (std::vector<std::string>{"apple", "banana"}));
  EXPECT_EQ(keywords_of(list("?limit=2&page=2&sortBy=keyword&order=asc")),
            std::vector<std::string>{"carrot"});
  EXPECT_EQ(list("?limit=2&page=9").size(), 0u);
  EXPECT_EQ(keywords_of(list("?sortBy=created&order=desc")),
            (std::vector<std::string>{"carrot", "apple", "banana"}));
  EXPECT_EQ(keywords_of(list("?search=SHOP")), std::vector<std::string>{"carrot"})
      << "search covers url, case-insensitively";
  EXPECT_EQ(keywords_of(list("?tag=fruit&sortBy=keyword&order=asc")),
            (std::vector<std::string>{"apple", "banana"}));
  EXPECT_EQ(keywords_of(list("?tag=red")), std::vector<std::string>{"apple"});
}

TEST_P(ApiKeywords, BadQueryParametersAre400) {
  for (auto q : {"?page=0", "?page=-1", "?page=abc", "?limit=0", "?limit=100000", "?limit=1e3",
                 "?sortBy=id", "?order=up", "?search=%ff%fe", "?page=99999999999999999999"}) {
    auto r = call("GET", std::string("/api/keywords") + q);
    EXPECT_EQ(r.status, 400) << q << " → " << r.body;
  }
}

TEST_P(ApiKeywords, UpdateChangesOnlyTagsAndTargetRank) {
  auto id = add("tea", "tea.example", R"(,"targetRank":5)");
  auto path = "/api/keywords/" + std::to_string(id);
  auto r = call("PUT", path, R"({"tags":["drink"],"keyword":"ignored","url":"ignored.com"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto data = body_of(r)["data"].as_object();
  EXPECT_EQ(data["keyword"].as_string(), "tea");
  EXPECT_EQ(data["url"].as_string(), "tea.example");
  EXPECT_EQ(data["target_rank"].as_int64(), 5) << "absent targetRank is left alone";
  EXPECT_EQ(data["tags"].as_array().at(0).as_string(), "drink");
  r = call("PUT", path, R"({"targetRank":null})");
  EXPECT_TRUE(body_of(r)["data"].at("target_rank").is_null());
  EXPECT_EQ(call("PUT", "/api/keywords/999999", R"({"tags":[]})").status, 404);
  EXPECT_EQ(call("PUT", "/api/keywords/abc", R"({"tags":[]})").status, 400);
  EXPECT_EQ(call("PUT", path, R"({"targetRank":0})").status, 400);
}

TEST_P(ApiKeywords, DeleteIs404WhenAbsent) {
  auto id = add("gone", "gone.example");
  auto path = "/api/keywords/" + std::to_string(id);
  EXPECT_EQ(call("DELETE", path).status, 200);
  EXPECT_EQ(call("DELETE", path).status, 404);
  EXPECT_EQ(call("DELETE", "/api/keywords/-3").status, 400);
}

TEST_P(ApiKeywords, RankingRoutesValidateAndAnswerLists) {
  auto id = add("history", "h.example");
  auto r = call("GET", "/api/rankings/" + std::to_string(id) + "/rankings");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body_of(r)["data"].is_array());
  EXPECT_EQ(call("GET", "/api/rankings/abc/rankings").status, 400);
  EXPECT_EQ(call("GET", "/api/rankings?keywordId=" + std::to_string(id)).status, 200);
  EXPECT_EQ(call("GET", "/api/rankings?keywordId=x").status, 400);
  EXPECT_EQ(call("GET", "/api/rankings").status, 200);
}

TEST_P(ApiKeywords, UnknownRoutesAndMethods) {
  EXPECT_EQ(call("GET", "/api/nothing").status, 404);
  auto r = call("PATCH", "/api/keywords");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(body_of(r)["success"], false);
}

TEST_P(ApiKeywords, OpenApiDocumentListsTheRoutes) {
  auto r = call("GET", "/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = body_of(r);
  EXPECT_EQ(doc["openapi"].as_string(), "3.1.0");
  auto& paths = doc["paths"].as_object();
  EXPECT_TRUE(paths.contains("/api/keywords"));
  EXPECT_TRUE(paths.at("/api/keywords/{id}").as_object().contains("put"));
  EXPECT_TRUE(paths.contains("/api/rankings/{keywordId}/rankings"));
}

TEST_P(ApiKeywords, SwaggerUiIsServed) {
  auto page = call("GET", "/api-docs");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("swagger-ui-bundle.js"), std::string::npos);
  auto bundle = call("GET", "/api-docs/swagger-ui-bundle.js");
  EXPECT_EQ(bundle.status, 200);
  EXPECT_GT(bundle.body.size(), 100000u);
  EXPECT_EQ(call("GET", "/api-docs/swagger-ui.css").status, 200);
  EXPECT_EQ(call("GET", "/api-docs/nothing.js").status, 404);
}

TEST_P(ApiKeywords, CorsPreflightAndHeaders) {
  auto r = call("OPTIONS", "/api/keywords", "",
                {"Origin: http://client.example", "Access-Control-Request-Method: POST"});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.headers["access-control-allow-origin"], "*");
  EXPECT_NE(r.headers["access-control-allow-methods"].find("PUT"), std::string::npos);
  r = call("GET", "/api/keywords", "", {"Origin: http://client.example"});
  EXPECT_EQ(r.headers["access-control-allow-origin"], "*");
}

TEST(ApiCors, OnlyConfiguredOriginsAreAllowed) {
  ApiServer server(
      std::map<std::string, std::string>{{"CORS_ORIGINS", "http://a.example, http://b.example"}});
  auto preflight = [&](const std::string& origin) {
    return http_request("OPTIONS", server.url("/api/keywords"), "",
                        {"Origin: " + origin, "Access-Control-Request-Method: PUT"});
  };
  EXPECT_EQ(preflight("http://b.example").headers["access-control-allow-origin"],
            "http://b.example");
  EXPECT_FALSE(preflight("http://evil.example").headers.contains("access-control-allow-origin"));
  auto r = http_request("GET", server.url("/api/keywords"), "", {"Origin: http://a.example"});
  EXPECT_EQ(r.headers["access-control-allow-origin"], "http://a.example");
}

TEST(ApiAuth, KeysGuardApiRoutesButNotHealth) {
  const std::string key = "k-0123456789abcdef";
  ApiServer server(std::map<std::string, std::string>{{"API_KEYS", "other-key-0123456789," + key}});
  auto get = [&](const std::string& path, std::vector<std::string> headers) {
    return http_request("GET", server.url(path), "", headers);
  };
  EXPECT_EQ(get("/api/keywords", {}).status, 401);
  EXPECT_EQ(get("/api/keywords", {"Authorization: Bearer wrong-key-0123456789"}).status, 401);
  EXPECT_EQ(get("/api/keywords", {"Authorization: Bearer " + key}).status, 200);
  EXPECT_EQ(get("/api/keywords", {"x-api-key: " + key}).status, 200);
  EXPECT_EQ(get("/health", {}).status, 200);
  EXPECT_EQ(get("/ready", {}).status, 200);
  EXPECT_EQ(get("/openapi.json", {}).status, 200);
  EXPECT_EQ(server.process.log().find(key), std::string::npos) << "keys never reach the logs";
}

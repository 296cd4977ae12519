#include "http/router.h"

#include <gtest/gtest.h>

using namespace crawler::http;

namespace {
Request make(std::string method, std::string path, std::string query = "") {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query_string = std::move(query);
  return r;
}
}  // namespace

TEST(Router, MatchesLiteralAndCapturedSegments) {
  Router router;
  router.get("/api/keywords", [](Request&) { return Response::json(200, "list"); });
  router.get("/api/keywords/:id", [](Request& r) { return Response::json(200, r.params["id"]); });
  router.get("/api/rankings/:keywordId/rankings",
             [](Request& r) { return Response::json(200, "h" + r.params["keywordId"]); });
  auto a = make("GET", "/api/keywords");
  EXPECT_EQ(router.dispatch(a).body, "list");
  auto b = make("GET", "/api/keywords/42");
  EXPECT_EQ(router.dispatch(b).body, "42");
  auto c = make("GET", "/api/rankings/7/rankings");
  EXPECT_EQ(router.dispatch(c).body, "h7");
  auto d = make("GET", "/api/keywords/");  // trailing slash is the same path
  EXPECT_EQ(router.dispatch(d).body, "list");
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  router.get("/x", [](Request&) { return Response::json(200, "{}"); });
  router.post("/x", [](Request&) { return Response::json(201, "{}"); });
  auto a = make("GET", "/nope");
  EXPECT_EQ(router.dispatch(a).status, 404);
  auto b = make("DELETE", "/x");
  auto res = router.dispatch(b);
  EXPECT_EQ(res.status, 405);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].second, "GET, POST");
  EXPECT_NE(res.body.find("\"success\":false"), std::string::npos);
}

TEST(Router, HeadIsServedByGet) {
  Router router;
  router.get("/health", [](Request&) { return Response::json(200, "{}"); });
  auto r = make("HEAD", "/health");
  EXPECT_EQ(router.dispatch(r).status, 200);
}

TEST(Router, RejectsPatternsWithoutLeadingSlash) {
  Router router;
  EXPECT_THROW(router.get("x", [](Request&) { return Response{}; }), std::invalid_argument);
}

TEST(Message, QueryDecodingAndHeaders) {
  Request r = make("GET", "/", "search=%EA%B0%95%EB%82%A8+cafe&page=2&flag&bad=%zz");
  EXPECT_EQ(r.query("search"), "강남 cafe");
  EXPECT_EQ(r.query("page"), "2");
  EXPECT_EQ(r.query("flag"), "");
  EXPECT_EQ(r.query("bad"), "%zz");
  EXPECT_EQ(r.query("missing"), std::nullopt);
  r.headers = {{"X-Api-Key", "k"}};
  EXPECT_EQ(r.header("x-api-key"), "k");
  EXPECT_EQ(r.header("other"), "");
}

TEST(Message, ErrorEnvelopeEscapesTheMessage) {
  auto res = Response::error(400, "bad \"url\"\n");
  EXPECT_EQ(res.body, R"({"success":false,"error":"bad \"url\"\n"})");
}

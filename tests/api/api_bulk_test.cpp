// /api/bulk-searches over real HTTP, against PostgreSQL and Redis (Bull layout): uploads of
// files written by SheetJS and exceljs, cached and queued rows, the job id scheme (checked
// through the real npm bull, tests/peers/bull_peer.js), row-numbered errors, hostile files,
// the export read back by both libraries, the template, paging, filtering and deletion.
#include <gtest/gtest.h>
#include <zip.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>

#include "support/api_envelope.h"
#include "support/crawler_process.h"
#include "support/http_client.h"
#include "support/pg_admin.h"
#include "support/services.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

using namespace crawler::testing;
namespace json = boost::json;

namespace {

constexpr const char* kKey = "bulk-test-key-0123456789";
const std::string kPeers = CRAWLER_PEERS_DIR;
const std::string kBoundary = "----crawlerBoundary7MA4YWxkTrZu0gW";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// An .xlsx written by SheetJS or exceljs: one sheet of these rows (null = no cell).
std::string node_xlsx(const std::string& lib, const json::array& rows) {
  TempDir dir("bulk-peer");
  auto spec = dir.path() / "spec.json";
  std::ofstream(spec) << json::serialize(
      json::object{{"sheets", json::array{json::object{{"name", "Sheet1"}, {"rows", rows}}}}});
  auto out = dir.path() / "out.xlsx";
  SpawnOptions o;
  o.argv = {"node", kPeers + "/xlsx_write.js", lib, out.string(), spec.string()};
  run_checked(o);
  return slurp(out);
}

json::object node_read(const std::string& lib, const std::string& bytes) {
  TempDir dir("bulk-peer");
  auto path = dir.path() / "in.xlsx";
  std::ofstream(path, std::ios::binary) << bytes;
  SpawnOptions o;
  o.argv = {"node", kPeers + "/xlsx_read.js", lib, path.string()};
  return json::parse(run_checked(o)).as_object();
}

// A hand-made package (for files no spreadsheet program writes: zip bombs, huge sheets).
std::string zip_of(const std::vector<std::pair<std::string, std::string>>& entries) {
  TempDir dir("bulk-zip");
  auto path = (dir.path() / "x.zip").string();
  int error = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  for (const auto& [name, data] : entries)
    zip_file_add(z, name.c_str(), zip_source_buffer(z, data.data(), data.size(), 0), 0);
  zip_close(z);
  return slurp(path);
}

std::string package_with_sheet(const std::string& sheet_data) {
  const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const std::string pkg = "http://schemas.openxmlformats.org/package/2006/relationships";
  return zip_of(
      {{"_rels/.rels", "<Relationships xmlns=\"" + pkg + "\"><Relationship Id=\"r1\" Type=\"" +
                           rel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
       {"xl/workbook.xml", "<workbook xmlns:r=\"" + rel +
                               "\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"r1\"/></sheets>"
                               "</workbook>"},
       {"xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"" + pkg +
                                          "\"><Relationship Id=\"r1\" Type=\"" + rel +
                                          "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                                          "</Relationships>"},
       {"xl/worksheets/sheet1.xml",
        "<worksheet><sheetData>" + sheet_data + "</sheetData></worksheet>"}});
}

std::string multipart(const std::string& file, const std::string& filename,
                      const std::optional<std::string>& name,
                      const std::string& file_field = "file") {
  std::string body;
  if (name)
    body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + *name +
            "\r\n";
  body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + file_field +
          "\"; filename=\"" + filename +
          "\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          "\r\n\r\n" +
          file + "\r\n--" + kBoundary + "--\r\n";
  return body;
}

json::array rows(std::initializer_list<json::value> list) {
  return json::array(list.begin(), list.end());
}

class ApiBulk : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = SharedServices::get().fresh_database_url();
    prefix_ = SharedServices::get().unique_prefix();
    server_ = std::make_unique<ApiServer>(std::map<std::string, std::string>{
        {"QUEUE_PREFIX", prefix_}, {"API_KEYS", kKey}, {"DATABASE_URL", db_}});
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "server log:\n" << server_->process.log() << "\n";
  }

  HttpResult call(const std::string& method, const std::string& path, const std::string& body = "",
                  std::vector<std::string> headers = {}) {
    return server_->call(method, path, body, std::move(headers), std::chrono::seconds(30));
  }
  HttpResult upload(const std::string& file, const std::optional<std::string>& name = "테스트",
                    const std::string& filename = "키워드.xlsx") {
    return call("POST", "/api/bulk-searches/upload", multipart(file, filename, name),
                {"Content-Type: multipart/form-data; boundary=" + kBoundary, "Expect:"});
  }
  static json::value data(const HttpResult& r) { return api_data(r); }
  json::value peer(const std::string& command, const std::vector<std::string>& args) {
    SpawnOptions o;
    o.argv = {"node",  kPeers + "/bull_peer.js",
              command, SharedServices::get().redis_url(),
              prefix_, "crawl-jobs"};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    return json::parse(run_checked(o));
  }
  std::int64_t add_keyword(const std::string& keyword, const std::string& url) {
    auto r = call("POST", "/api/keywords",
                  json::serialize(json::object{{"keyword", keyword}, {"url", url}}));
    EXPECT_EQ(r.status, 201) << r.body;
    return data(r).at("id").as_int64();
  }
  // Makes the keyword look checked `age` ago with this rank.
  void checked(std::int64_t id, int rank, const std::string& age) {
    execute_sql(db_, "UPDATE keywords SET last_rank = " + std::to_string(rank) +
                         ", last_checked_at = now() - interval '" + age +
                         "' WHERE id = " + std::to_string(id));
  }
  json::array keywords(std::int64_t search, const std::string& query = "") {
    auto r = call("GET", "/api/bulk-searches/" + std::to_string(search) + "/keywords" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return data(r).at("keywords").as_array();
  }

  std::string db_, prefix_;
  std::unique_ptr<ApiServer> server_;
};

}  // namespace

TEST_F(ApiBulk, SheetJsUploadQueuesPendingRowsAtPriority50) {
  auto file = node_xlsx(
      "sheetjs",
      rows({json::array{"키워드", "URL"}, json::array{"강남 맛집", "https://www.gangnam.example"},
            json::array{}, json::array{"홍대 카페", "http://hongdae.example/menu"}}));
  auto r = upload(file, "서울 맛집");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = data(r).as_object();
  EXPECT_EQ(d["totalCount"].as_int64(), 2);
  EXPECT_EQ(d["cachedCount"].as_int64(), 0);
  EXPECT_EQ(d["pendingCount"].as_int64(), 2);
  EXPECT_EQ(d["queuedCount"].as_int64(), 2);
  auto id = d["id"].as_int64();

  auto search = data(call("GET", "/api/bulk-searches/" + std::to_string(id))).as_object();
  EXPECT_EQ(search["name"].as_string(), "서울 맛집");
  EXPECT_EQ(search["filename"].as_string(), "키워드.xlsx");
  EXPECT_EQ(search["status"].as_string(), "processing");
  EXPECT_EQ(search["total_count"].as_int64(), 2);

  auto rows_ = keywords(id);
  ASSERT_EQ(rows_.size(), 2u);
  EXPECT_EQ(rows_[0].at("keyword").as_string(), "강남 맛집");
  EXPECT_EQ(rows_[0].at("url").as_string(), "gangnam.example");
  EXPECT_EQ(rows_[1].at("url").as_string(), "hongdae.example/menu");
  EXPECT_EQ(rows_[1].at("status").as_string(), "pending");

  auto q = data(call("GET", "/api/jobs/queue")).as_object();
  EXPECT_EQ(q["waiting"].as_int64(), 2);
  ASSERT_EQ(q["jobs"].as_array().size(), 2u);
  for (const auto& job : q["jobs"].as_array()) {
    const auto& jd = job.at("data").as_object();
    auto row_id = jd.at("bulkSearchKeywordId").as_int64();
    EXPECT_EQ(job.at("id").as_string(), "bulk-" + std::to_string(row_id));
    EXPECT_TRUE(jd.at("keywordId").is_null());
    EXPECT_TRUE(jd.at("targetRank").is_null());
    const auto& row = rows_[row_id == rows_[0].at("id").as_int64() ? 0 : 1];
    EXPECT_EQ(jd.at("keyword"), row.at("keyword"));
    EXPECT_EQ(jd.at("targetUrl"), row.at("url"));
    // As the real Bull reads it.
    auto node = peer("job", {std::string(job.at("id").as_string())}).as_object();
    EXPECT_EQ(node["opts"].at("priority").to_number<int>(), 50);
    EXPECT_EQ(node["opts"].at("attempts").to_number<int>(), 3);
    EXPECT_EQ(node["state"].as_string(), "waiting");
  }
}

TEST_F(ApiBulk, ExcelJsFilesWithEitherHeaderAliasSet) {
  // Extra columns, headers in other places, both alias families.
  auto english = node_xlsx(
      "exceljs",
      rows({json::array{"메모", "Keyword", nullptr, "Url"},
            json::array{"first", "부산 호텔", nullptr, "busan.example"},
            json::array{nullptr, "KEYWORD in data", nullptr, "https://x.example/a?b=c"}}));
  auto r = upload(english);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(data(r).at("totalCount").as_int64(), 2);
  auto rows_ = keywords(data(r).at("id").as_int64());
  EXPECT_EQ(rows_[0].at("keyword").as_string(), "부산 호텔");
  EXPECT_EQ(rows_[1].at("url").as_string(), "x.example/a?b=c");

  for (auto [k, u] : {std::pair{"keyword", "사이트"}, std::pair{"KEYWORD", "웹사이트"},
                      std::pair{"키워드", "url"}}) {
    auto file =
        node_xlsx("exceljs", rows({json::array{k, u}, json::array{"제주 렌트카", "jeju.kr"}}));
    auto res = upload(file);
    ASSERT_EQ(res.status, 200) << k << "/" << u << ": " << res.body;
    EXPECT_EQ(data(res).at("totalCount").as_int64(), 1);
  }
  // Without a name part, the file's name (without .xlsx) names the search.
  auto res = upload(english, std::nullopt, "목록.xlsx");
  ASSERT_EQ(res.status, 200) << res.body;
  auto search =
      data(call("GET", "/api/bulk-searches/" + std::to_string(data(res).at("id").as_int64())));
  EXPECT_EQ(search.at("name").as_string(), "목록");
}

TEST_F(ApiBulk, RecentResultsAreCachedAndKeywordJobsAreShared) {
  auto fresh = add_keyword("강남 맛집", "fresh.example");
  auto stale = add_keyword("오래된", "stale.example");
  auto scheduled = add_keyword("예약됨", "scheduled.example");
  checked(fresh, 4, "1 hour");
  checked(stale, 9, "3 days");
  // The scheduler's job for `scheduled`, written by the real Bull: waiting at priority 100.
  peer("add",
       {json::serialize(json::array{json::object{
           {"data", json::object{{"keywordId", scheduled},
                                 {"keyword", "예약됨"},
                                 {"targetUrl", "scheduled.example"},
                                 {"targetRank", 3}}},
           {"opts", json::object{{"jobId", std::to_string(scheduled)}, {"priority", 100}}}}})});

  auto file = node_xlsx(
      "sheetjs",
      rows({json::array{"키워드", "URL"}, json::array{"강남 맛집", "https://www.fresh.example"},
            json::array{"오래된", "stale.example"}, json::array{"예약됨", "scheduled.example"},
            json::array{"새것", "new.example"}}));
  auto r = upload(file);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = data(r).as_object();
  EXPECT_EQ(d["totalCount"].as_int64(), 4);
  EXPECT_EQ(d["cachedCount"].as_int64(), 1);
  EXPECT_EQ(d["pendingCount"].as_int64(), 3);
  EXPECT_EQ(d["queuedCount"].as_int64(), 3);
  auto id = d["id"].as_int64();

  auto cached = keywords(id, "?status=cached");
  ASSERT_EQ(cached.size(), 1u);
  EXPECT_EQ(cached[0].at("rank").as_int64(), 4);
  EXPECT_EQ(cached[0].at("keyword_id").as_int64(), fresh);
  EXPECT_FALSE(cached[0].at("cached_from").is_null());
  auto pending = keywords(id, "?status=pending");
  ASSERT_EQ(pending.size(), 3u);

  // The stale keyword's job uses the keyword id, at 50, carrying the bulk row.
  auto job = peer("job", {std::to_string(stale)}).as_object();
  EXPECT_EQ(job["opts"].at("priority").to_number<int>(), 50);
  EXPECT_EQ(job["data"].at("keywordId").as_int64(), stale);
  EXPECT_EQ(job["data"].at("bulkSearchKeywordId").as_int64(), pending[0].at("id").as_int64());
  // The waiting scheduled job was re-queued at 50 with the row attached (and its targetRank).
  job = peer("job", {std::to_string(scheduled)}).as_object();
  EXPECT_EQ(job["state"].as_string(), "waiting");
  EXPECT_EQ(job["opts"].at("priority").to_number<int>(), 50);
  EXPECT_EQ(job["data"].at("bulkSearchKeywordId").as_int64(), pending[1].at("id").as_int64());
  EXPECT_EQ(job["data"].at("targetRank").as_int64(), 3);
  // The unmonitored pair has its own job.
  job = peer("job", {"bulk-" + std::to_string(pending[2].at("id").as_int64())}).as_object();
  EXPECT_TRUE(job["data"].at("keywordId").is_null());
  EXPECT_EQ(data(call("GET", "/api/jobs/queue")).at("waiting").as_int64(), 3);

  // A second search for the same pairs: the keyword jobs already serve the first search, so
  // its rows get their own jobs instead of stealing them.
  auto again = upload(file);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(data(again).at("queuedCount").as_int64(), 3);
  EXPECT_EQ(data(call("GET", "/api/jobs/queue")).at("waiting").as_int64(), 6);
  job = peer("job", {std::to_string(stale)}).as_object();
  EXPECT_EQ(job["data"].at("bulkSearchKeywordId").as_int64(), pending[0].at("id").as_int64());
}

TEST_F(ApiBulk, RowErrorsNameTheRow) {
  auto bad = [&](json::array sheet, const std::string& part) {
    for (auto lib : {"sheetjs", "exceljs"})
      expect_api_error(upload(node_xlsx(lib, sheet)), 400, part);
  };
  bad(rows({json::array{"키워드", "URL"}, json::array{"a", "a.com"}, json::array{},
            json::array{"b", nullptr}}),
      "row 4: the URL is missing");
  bad(rows({json::array{"키워드", "URL"}, json::array{nullptr, "a.com"}}),
      "row 2: the keyword is missing");
  bad(rows({json::array{"keyword", "url"}, json::array{"a", "a.com"},
            json::array{"b", "ftp://b.com"}}),
      "row 3: invalid URL");
  bad(rows({json::array{"키워드", "URL"}, json::array{std::string(256, 'k'), "a.com"}}),
      "row 2: the keyword is longer than 255");
  bad(rows({json::array{"이름", "URL"}, json::array{"a", "a.com"}}), "no keyword column");
  bad(rows({json::array{"키워드", "주소"}, json::array{"a", "a.com"}}), "no URL column");
  bad(rows({json::array{"키워드", "URL"}}), "no keyword rows");
  // Nothing was stored by any of them.
  EXPECT_EQ(data(call("GET", "/api/bulk-searches")).at("total").as_int64(), 0);
}

TEST_F(ApiBulk, BadUploadsAreRefusedWithClearMessages) {
  const auto good =
      node_xlsx("sheetjs", rows({json::array{"키워드", "URL"}, json::array{"a", "a.com"}}));
  const std::string multipart_type = "Content-Type: multipart/form-data; boundary=" + kBoundary;

  expect_api_error(
      call("POST", "/api/bulk-searches/upload", "{\"file\":1}", {"Content-Type: application/json"}),
      400, "multipart/form-data");
  expect_api_error(call("POST", "/api/bulk-searches/upload",
                        multipart(good, "a.xlsx", "n", "other"), {multipart_type}),
                   400, "file is required");
  auto truncated_body = multipart(good, "a.xlsx", "n");
  truncated_body.resize(truncated_body.size() - 30);
  expect_api_error(call("POST", "/api/bulk-searches/upload", truncated_body, {multipart_type}), 400,
                   "truncated");
  expect_api_error(upload(std::string(10 * 1024 * 1024 + 100, 'x')), 413, "10 MB");
  expect_api_error(upload(""), 400, "empty");
  expect_api_error(upload("키워드,URL\n강남,a.com\n", "n", "list.csv"), 400, "not an .xlsx");
  expect_api_error(upload(good.substr(0, good.size() / 2)), 400, "not an .xlsx");
  auto corrupt = good;
  for (std::size_t i = 200; i < 260 && i < corrupt.size(); ++i) corrupt[i] = '\x55';
  auto r = upload(corrupt);
  EXPECT_EQ(r.status, 400) << r.body;

  // 60 MB of blanks inflating from a few kilobytes.
  auto bomb = package_with_sheet(std::string(60 * 1024 * 1024, ' '));
  ASSERT_LT(bomb.size(), 1024u * 1024u);
  expect_api_error(upload(bomb), 400, "zip bomb");
  expect_api_error(
      upload(package_with_sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>키워드</t>"
                                "</is></c></row><row r=\"100002\"><c r=\"A100002\"><v>1"
                                "</v></c></row>")),
      400, "beyond row 100001");
  expect_api_error(upload(package_with_sheet("<row><c><v>1</v></row>")), 400, "corrupt");

  EXPECT_EQ(http_request("POST", server_->url("/api/bulk-searches/upload"),
                         multipart(good, "a.xlsx", "n"), {multipart_type})
                .status,
            401);
  EXPECT_EQ(data(call("GET", "/api/bulk-searches")).at("total").as_int64(), 0);
  // The server survived all of it.
  EXPECT_EQ(upload(good).status, 200);
}

TEST_F(ApiBulk, ExportReadsBackInSheetJsAndExcelJs) {
  auto fresh = add_keyword("캐시됨", "cached.example");
  checked(fresh, 7, "10 minutes");
  auto file = node_xlsx(
      "exceljs",
      rows({json::array{"키워드", "URL"}, json::array{"완료됨", "done.example"},
            json::array{"캐시됨", "cached.example"}, json::array{"처리중", "busy.example"},
            json::array{"대기중", "waiting.example"}, json::array{"실패함", "failed.example"}}));
  auto r = upload(file, "내보내기 / 테스트");
  ASSERT_EQ(r.status, 200) << r.body;
  auto id = data(r).at("id").as_int64();
  auto sid = std::to_string(id);
  execute_sql(db_,
              "UPDATE bulk_search_keywords SET status = 'completed', rank = 2, "
              "completed_at = '2026-01-02T03:04:05Z' WHERE keyword = '완료됨';"
              "UPDATE bulk_search_keywords SET status = 'processing' WHERE keyword = '처리중';"
              "UPDATE bulk_search_keywords SET status = 'failed' WHERE keyword = '실패함';");

  auto res = call("GET", "/api/bulk-searches/" + sid + "/export");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const auto& disposition = res.headers["content-disposition"];
  EXPECT_NE(disposition.find("attachment; filename=\"bulk-search-" + sid + ".xlsx\""),
            std::string::npos)
      << disposition;
  // "내보내기 _ 테스트_결과.xlsx", percent-encoded UTF-8 (the slash made safe).
  EXPECT_NE(disposition.find("filename*=UTF-8''%EB%82%B4%EB%B3%B4%EB%82%B4%EA%B8%B0%20_%20"),
            std::string::npos)
      << disposition;
  EXPECT_NE(disposition.find("_%EA%B2%B0%EA%B3%BC.xlsx"), std::string::npos) << disposition;

  for (auto lib : {"sheetjs", "exceljs"}) {
    auto sheet = node_read(lib, res.body);
    auto table = sheet["rows"].as_array();
    ASSERT_EQ(table.size(), 6u) << lib << ": " << json::serialize(sheet);
    auto header = table[0].as_array();
    EXPECT_EQ(header[0].as_string(), "키워드") << lib;
    EXPECT_EQ(header[1].as_string(), "URL") << lib;
    EXPECT_EQ(header[2].as_string(), "상태") << lib;
    EXPECT_EQ(header[3].as_string(), "순위") << lib;
    EXPECT_EQ(header[4].as_string(), "완료 시간") << lib;
    auto row = [&](int i) { return table[static_cast<std::size_t>(i)].as_array(); };
    EXPECT_EQ(row(1)[0].as_string(), "완료됨");
    EXPECT_EQ(row(1)[1].as_string(), "done.example");
    EXPECT_EQ(row(1)[2].as_string(), "완료") << lib;
    EXPECT_EQ(row(1)[3].to_number<int>(), 2) << lib;
    EXPECT_EQ(row(1)[4].as_string(), "2026-01-02T03:04:05.000Z") << lib;
    EXPECT_EQ(row(2)[2].as_string(), "캐시") << lib;
    EXPECT_EQ(row(2)[3].to_number<int>(), 7) << lib;
    EXPECT_NE(row(2)[4].as_string(), "-") << lib;  // when the reused result was taken
    EXPECT_EQ(row(3)[2].as_string(), "처리중") << lib;
    EXPECT_EQ(row(3)[3].as_string(), "-") << lib;
    EXPECT_EQ(row(4)[2].as_string(), "대기") << lib;
    EXPECT_EQ(row(4)[4].as_string(), "-") << lib;
    EXPECT_EQ(row(5)[2].as_string(), "실패") << lib;
  }
  EXPECT_EQ(call("GET", "/api/bulk-searches/999999/export").status, 404);
}

TEST_F(ApiBulk, TemplateDownloadsAndIsAnEmptyUpload) {
  auto res = call("GET", "/api/bulk-searches/template");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_NE(res.headers["content-disposition"].find("filename*=UTF-8''"), std::string::npos);
  for (auto lib : {"sheetjs", "exceljs"}) {
    auto table = node_read(lib, res.body)["rows"].as_array();
    ASSERT_EQ(table.size(), 1u) << lib;
    EXPECT_EQ(table[0].as_array()[0].as_string(), "키워드") << lib;
    EXPECT_EQ(table[0].as_array()[1].as_string(), "URL") << lib;
  }
  expect_api_error(upload(res.body), 400, "no keyword rows");
}

TEST_F(ApiBulk, ListsPagesFiltersAndDeletes) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    json::array sheet{json::array{"키워드", "URL"}};
    for (int k = 0; k <= i; ++k)
      sheet.push_back(
          json::array{"키워드 " + std::to_string(k), "site" + std::to_string(k) + ".kr"});
    auto r = upload(node_xlsx("sheetjs", sheet), "search " + std::to_string(i));
    ASSERT_EQ(r.status, 200) << r.body;
    ids.push_back(data(r).at("id").as_int64());
  }
  auto page = data(call("GET", "/api/bulk-searches?page=1&limit=2")).as_object();
  EXPECT_EQ(page["total"].as_int64(), 3);
  ASSERT_EQ(page["bulkSearches"].as_array().size(), 2u);
  EXPECT_EQ(page["bulkSearches"].as_array()[0].at("id").as_int64(), ids[2]);  // newest first
  page = data(call("GET", "/api/bulk-searches?page=2&limit=2")).as_object();
  ASSERT_EQ(page["bulkSearches"].as_array().size(), 1u);
  EXPECT_EQ(page["bulkSearches"].as_array()[0].at("id").as_int64(), ids[0]);
  EXPECT_EQ(data(call("GET", "/api/bulk-searches?limit=5000")).at("limit").as_int64(), 100);
  for (auto q : {"?page=0", "?page=-1", "?limit=abc", "?limit=0", "?page=1e99"})
    EXPECT_EQ(call("GET", std::string("/api/bulk-searches") + q).status, 400) << q;

  auto last = std::to_string(ids[2]);
  auto kw =
      data(call("GET", "/api/bulk-searches/" + last + "/keywords?page=2&limit=1")).as_object();
  EXPECT_EQ(kw["total"].as_int64(), 3);
  ASSERT_EQ(kw["keywords"].as_array().size(), 1u);
  EXPECT_EQ(kw["keywords"].as_array()[0].at("keyword").as_string(), "키워드 1");
  execute_sql(db_, "UPDATE bulk_search_keywords SET status = 'completed', rank = 1 WHERE id = " +
                       std::to_string(kw["keywords"].as_array()[0].at("id").as_int64()));
  EXPECT_EQ(keywords(ids[2], "?status=completed").size(), 1u);
  EXPECT_EQ(keywords(ids[2], "?status=pending").size(), 2u);
  EXPECT_EQ(keywords(ids[2], "?status=failed").size(), 0u);
  EXPECT_EQ(data(call("GET", "/api/bulk-searches/" + last + "/keywords?limit=5000"))
                .at("limit")
                .as_int64(),
            1000);
  EXPECT_EQ(call("GET", "/api/bulk-searches/" + last + "/keywords?status=done").status, 400);
  EXPECT_EQ(call("GET", "/api/bulk-searches/999999/keywords").status, 404);
  EXPECT_EQ(call("GET", "/api/bulk-searches/abc").status, 400);
  EXPECT_EQ(call("GET", "/api/bulk-searches/999999").status, 404);

  EXPECT_EQ(call("DELETE", "/api/bulk-searches/" + last).status, 200);
  EXPECT_EQ(call("DELETE", "/api/bulk-searches/" + last).status, 404);
  EXPECT_EQ(call("GET", "/api/bulk-searches/" + last).status, 404);
  EXPECT_EQ(data(call("GET", "/api/bulk-searches")).at("total").as_int64(), 2);
}

TEST_F(ApiBulk, OpenApiDocumentsTheRoutes) {
  auto doc = json::parse(call("GET", "/openapi.json").body).as_object();
  const auto& paths = doc["paths"].as_object();
  for (auto p : {"/api/bulk-searches/template", "/api/bulk-searches/upload", "/api/bulk-searches",
                 "/api/bulk-searches/{id}", "/api/bulk-searches/{id}/keywords",
                 "/api/bulk-searches/{id}/export"})
    EXPECT_TRUE(paths.contains(p)) << p;
  EXPECT_TRUE(paths.at("/api/bulk-searches/upload")
                  .at("post")
                  .at("requestBody")
                  .at("content")
                  .as_object()
                  .contains("multipart/form-data"));
  const auto& schemas = doc["components"].at("schemas").as_object();
  for (auto s :
       {"BulkUploadResult", "BulkSearch", "BulkSearchPage", "BulkSearchKeyword", "BulkKeywordPage"})
    EXPECT_TRUE(schemas.contains(s)) << s;
}

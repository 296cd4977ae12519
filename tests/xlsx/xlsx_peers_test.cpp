// The reader and writer against the npm libraries our users' files and clients come from:
// SheetJS (xlsx 0.18.5, what the original server used) and exceljs 4.4. Files they write must
// read as they were written (Korean text, gaps, numbers, booleans, several sheets, shared or
// inline strings); files we write must open in both. Node runs tests/peers/xlsx_*.js.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>

#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "xlsx/reader.h"
#include "xlsx/writer.h"

using namespace crawler::xlsx;
using crawler::testing::run_checked;
using crawler::testing::SpawnOptions;
namespace json = boost::json;

namespace {

const std::string kPeers = CRAWLER_PEERS_DIR;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string node_write(const std::string& lib, const json::value& spec) {
  crawler::testing::TempDir dir("xlsx-peer");
  auto spec_path = dir.path() / "spec.json";
  std::ofstream(spec_path) << json::serialize(spec);
  auto out = dir.path() / "out.xlsx";
  SpawnOptions o;
  o.argv = {"node", kPeers + "/xlsx_write.js", lib, out.string(), spec_path.string()};
  run_checked(o);
  return slurp(out);
}

json::object node_read(const std::string& lib, const std::string& bytes) {
  crawler::testing::TempDir dir("xlsx-peer");
  auto path = dir.path() / "in.xlsx";
  std::ofstream(path, std::ios::binary) << bytes;
  SpawnOptions o;
  o.argv = {"node", kPeers + "/xlsx_read.js", lib, path.string()};
  auto output = run_checked(o);
  return json::parse(output).as_object();
}

json::value spec(bool shared_strings) {
  return json::parse(R"({
    "sharedStrings": )" +
                     std::string(shared_strings ? "true" : "false") + R"(,
    "sheets": [
      {"name": "키워드 목록", "rows": [
        ["키워드", "URL", "메모"],
        ["강남 맛집", "https://www.example.com", null],
        [],
        [null, "b.co.kr/경로?q=1&r=2", "note <&>"],
        ["2024", 17, true],
        ["  spaced  ", 1.5, false]
      ]},
      {"name": "Sheet2", "rows": [["not", "this"]]}
    ]})");
}

class XlsxPeers : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};

}  // namespace

TEST_P(XlsxPeers, FilesWrittenByNodeReadAsWritten) {
  auto [lib, shared] = GetParam();
  auto sheet = read_first_sheet(node_write(lib, spec(shared)));
  EXPECT_EQ(sheet.name, "키워드 목록");
  ASSERT_EQ(sheet.rows.size(), 6u);
  EXPECT_EQ(sheet.rows[0], (Row{"키워드", "URL", "메모"}));
  EXPECT_EQ(sheet.rows[1], (Row{"강남 맛집", "https://www.example.com"}));
  EXPECT_TRUE(sheet.rows[2].empty());
  EXPECT_EQ(sheet.rows[3], (Row{"", "b.co.kr/경로?q=1&r=2", "note <&>"}));
  EXPECT_EQ(sheet.rows[4], (Row{"2024", "17", "TRUE"}));
  EXPECT_EQ(sheet.rows[5], (Row{"  spaced  ", "1.5", "FALSE"}));
}

INSTANTIATE_TEST_SUITE_P(Libraries, XlsxPeers,
                         ::testing::Combine(::testing::Values("sheetjs", "exceljs"),
                                            ::testing::Bool()));

TEST(XlsxPeersRead, OurFilesOpenInSheetJsAndExcelJs) {
  Table t;
  t.sheet_name = "결과";
  t.columns = {{"키워드", 20}, {"URL", 30}, {"상태", 8}, {"순위", 8}};
  t.rows = {{std::string("강남 맛집"), std::string("example.com"), std::string("완료"), 3.0},
            {std::string("홍대"), std::string("b.kr"), std::string("대기"), std::string("-")},
            {std::string("blank"), std::monostate{}, std::string("캐시"), 12.0}};
  auto bytes = write_xlsx(t);
  for (auto lib : {"sheetjs", "exceljs"}) {
    auto read = node_read(lib, bytes);
    EXPECT_EQ(read["sheetNames"].as_array().at(0).as_string(), "결과") << lib;
    auto rows = read["rows"].as_array();
    ASSERT_EQ(rows.size(), 4u) << lib << ": " << json::serialize(read);
    EXPECT_EQ(rows[0].as_array().at(0).as_string(), "키워드") << lib;
    EXPECT_EQ(rows[0].as_array().at(3).as_string(), "순위") << lib;
    EXPECT_EQ(rows[1].as_array().at(0).as_string(), "강남 맛집") << lib;
    EXPECT_EQ(rows[1].as_array().at(2).as_string(), "완료") << lib;
    EXPECT_EQ(rows[1].as_array().at(3).to_number<int>(), 3) << lib;
    EXPECT_EQ(rows[2].as_array().at(3).as_string(), "-") << lib;
    EXPECT_TRUE(rows[3].as_array().at(1).is_null()) << lib;
    EXPECT_EQ(rows[3].as_array().at(2).as_string(), "캐시") << lib;
  }
}

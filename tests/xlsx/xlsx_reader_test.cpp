// The .xlsx reader against hand-made packages: each test builds exactly the ZIP and XML it is
// about (libzip), so every branch — cell types, gaps, sheet order, limits, corruption — is hit
// on purpose rather than by whatever a spreadsheet program happens to write. Files written by
// real programs are in xlsx_peers_test.cpp.
#include <gtest/gtest.h>
#include <zip.h>

#include <fstream>
#include <iterator>

#include "support/temp_dir.h"
#include "xlsx/cell_ref.h"
#include "xlsx/reader.h"
#include "xlsx/writer.h"

using namespace crawler::xlsx;

namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

std::string make_zip(const Entries& entries) {
  crawler::testing::TempDir dir("xlsx-test");
  auto path = (dir.path() / "x.zip").string();
  int error = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (z == nullptr) throw std::runtime_error("zip_open failed");
  for (const auto& [name, data] : entries) {
    zip_source_t* s = zip_source_buffer(z, data.data(), data.size(), 0);
    if (s == nullptr || zip_file_add(z, name.c_str(), s, ZIP_FL_ENC_UTF_8) < 0)
      throw std::runtime_error("zip_file_add failed");
  }
  if (zip_close(z) != 0) throw std::runtime_error("zip_close failed");
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const char* kNs =
    R"(xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
    R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships")";
const char* kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string root_rels() {
  return std::string(
             R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)") +
         R"(<Relationship Id="rId1" Type=")" + kRelNs +
         R"(/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
}

std::string sheet_xml(const std::string& rows) {
  return std::string("<?xml version=\"1.0\"?><worksheet ") + kNs + "><sheetData>" + rows +
         "</sheetData></worksheet>";
}

// A workbook with one sheet (sheet1.xml) and, when given, a shared string table.
Entries workbook(const std::string& sheet_rows, const std::string& shared_strings = "") {
  std::string rels =
      R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
  rels += std::string(R"(<Relationship Id="rId1" Type=")") + kRelNs +
          R"(/worksheet" Target="worksheets/sheet1.xml"/>)";
  if (!shared_strings.empty())
    rels += std::string(R"(<Relationship Id="rId9" Type=")") + kRelNs +
            R"(/sharedStrings" Target="sharedStrings.xml"/>)";
  rels += "</Relationships>";
  Entries e{{"_rels/.rels", root_rels()},
            {"xl/workbook.xml",
             std::string("<workbook ") + kNs +
                 R"(><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>)"},
            {"xl/_rels/workbook.xml.rels", rels},
            {"xl/worksheets/sheet1.xml", sheet_xml(sheet_rows)}};
  if (!shared_strings.empty())
    e.emplace_back("xl/sharedStrings.xml",
                   std::string("<sst ") + kNs + ">" + shared_strings + "</sst>");
  return e;
}

std::string error_of(const std::string& file, const ReadLimits& limits = {}) {
  try {
    read_first_sheet(file, limits);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(XlsxCellRef, ParsesColumnsAndRows) {
  auto a1 = parse_cell_ref("A1");
  ASSERT_TRUE(a1);
  EXPECT_EQ(a1->column, 1u);
  EXPECT_EQ(a1->row, 1u);
  EXPECT_EQ(parse_cell_ref("C7")->column, 3u);
  EXPECT_EQ(parse_cell_ref("C7")->row, 7u);
  EXPECT_EQ(parse_cell_ref("Z1")->column, 26u);
  EXPECT_EQ(parse_cell_ref("AA10")->column, 27u);
  EXPECT_EQ(parse_cell_ref("XFD1048576")->column, 16384u);
  EXPECT_EQ(parse_cell_ref("$B$2")->column, 2u);
  EXPECT_EQ(parse_cell_ref("b2")->row, 2u);
  for (auto bad : {"", "1A", "A", "A0", "A-1", "ABCDEFGH1", "A1234567890", "A1B"})
    EXPECT_FALSE(parse_cell_ref(bad)) << bad;
}

TEST(XlsxReader, ReadsEveryCellTypeAndKeepsGaps) {
  auto shared =
      R"(<si><t>키워드</t></si><si><r><rPr><b/></rPr><t>rich </t></r><r><t xml:space="preserve">text</t></r><rPh><t>ふりがな</t></rPh></si>)"
      R"(<si/><si><t>line_x000D_break _x005F_x</t></si>)";
  auto rows =
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>)"
      R"(<row r="3"><c r="B3" t="inlineStr"><is><t>인라인</t></is></c><c r="C3"><v>42</v></c>)"
      R"(<c r="D3" t="b"><v>1</v></c><c r="E3" t="b"><v>0</v></c><c r="F3" t="e"><v>#N/A</v></c></row>)"
      R"(<row r="4"><c r="A4" t="str"><f>A1</f><v>formula result</v></c><c r="B4" t="s"><v>3</v></c>)"
      R"(<c r="C4" t="s"><v>2</v></c><c r="D4"><v>1.5E-3</v></c><c r="E4" s="1"/></row>)"
      R"(<row r="5"><c t="inlineStr"><is><t><![CDATA[no ref]]></t></is></c><c><v>7</v></c></row>)";
  auto sheet = read_first_sheet(make_zip(workbook(rows, shared)));
  EXPECT_EQ(sheet.name, "Data");
  ASSERT_EQ(sheet.rows.size(), 5u);
  EXPECT_EQ(sheet.rows[0], (Row{"키워드", "", "rich text"}));
  EXPECT_TRUE(sheet.rows[1].empty());
  EXPECT_EQ(sheet.rows[2], (Row{"", "인라인", "42", "TRUE", "FALSE", "#N/A"}));
  EXPECT_EQ(sheet.rows[3], (Row{"formula result", "line\rbreak _x", "", "1.5E-3"}));
  EXPECT_EQ(sheet.rows[4], (Row{"no ref", "7"}));
}

TEST(XlsxReader, TakesTheFirstSheetInWorkbookOrderNotByFileName) {
  std::string rels =
      R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
  rels += std::string(R"(<Relationship Id="rA" Type=")") + kRelNs +
          R"(/worksheet" Target="worksheets/sheet1.xml"/>)";
  rels += std::string(R"(<Relationship Id="rB" Type=")") + kRelNs +
          R"(/worksheet" Target="/xl/worksheets/sheet2.xml"/></Relationships>)";
  Entries e{{"_rels/.rels", root_rels()},
            {"xl/workbook.xml",
             std::string("<workbook ") + kNs +
                 R"(><sheets><sheet name="첫번째" sheetId="2" r:id="rB"/>)"
                 R"(<sheet name="second" sheetId="1" r:id="rA"/></sheets></workbook>)"},
            {"xl/_rels/workbook.xml.rels", rels},
            {"xl/worksheets/sheet1.xml",
             sheet_xml(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>wrong</t></is></c></row>)")},
            {"xl/worksheets/sheet2.xml",
             sheet_xml(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>right</t></is></c></row>)")}};
  auto sheet = read_first_sheet(make_zip(e));
  EXPECT_EQ(sheet.name, "첫번째");
  ASSERT_EQ(sheet.rows.size(), 1u);
  EXPECT_EQ(sheet.rows[0], (Row{"right"}));
}

TEST(XlsxReader, RefusesFilesThatAreNotWorkbooks) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("키워드,URL\n강남,a.com\n").find("not an .xlsx"), std::string::npos);
  // An OLE2 (.xls) signature.
  EXPECT_NE(error_of(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'))
                .find("not an .xlsx"),
            std::string::npos);
  EXPECT_NE(error_of(make_zip({{"readme.txt", "hello"}})).find("not an .xlsx workbook"),
            std::string::npos);
  auto no_sheets = workbook("");
  no_sheets[1].second = std::string("<workbook ") + kNs + "><sheets/></workbook>";
  EXPECT_NE(error_of(make_zip(no_sheets)).find("no sheets"), std::string::npos);
  auto missing_part = workbook("");
  missing_part.pop_back();  // the sheet part
  EXPECT_NE(error_of(make_zip(missing_part)).find("missing"), std::string::npos);
}

TEST(XlsxReader, ReportsCorruptContent) {
  EXPECT_NE(error_of(make_zip(workbook("<row><c r=\"A1\"><v>1</v></row>"))).find("not well-formed"),
            std::string::npos);
  auto dtd = workbook("");
  dtd[3].second =
      R"(<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>)"
      R"(<worksheet><sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>)";
  EXPECT_NE(error_of(make_zip(dtd)).find("document type"), std::string::npos);
  EXPECT_NE(error_of(make_zip(workbook(R"(<row r="1"><c r="A1" t="s"><v>5</v></c></row>)",
                                       "<si><t>only</t></si>")))
                .find("shared string 5"),
            std::string::npos);
  EXPECT_NE(error_of(make_zip(workbook(R"(<row r="1"><c r="1A"><v>5</v></c></row>)"))).find("1A"),
            std::string::npos);

  // Damaged bytes in a real workbook: truncated, or its compressed data altered.
  auto good = write_xlsx({"S", {{"키워드", 10}}, {{std::string(5000, 'x')}, {std::string("y")}}});
  EXPECT_NO_THROW(read_first_sheet(good));
  EXPECT_NE(error_of(good.substr(0, good.size() / 2)).find("not an .xlsx"), std::string::npos);
  int failures = 0;
  for (std::size_t at = 100; at + 200 < good.size(); at += 97) {
    auto bad = good;
    for (std::size_t i = 0; i < 8; ++i) bad[at + i] = static_cast<char>(bad[at + i] ^ 0x5A);
    try {
      read_first_sheet(bad);
    } catch (const Error&) {
      ++failures;  // any clear refusal is fine; what matters is no crash and no other type
    }
  }
  EXPECT_GT(failures, 0);
}

TEST(XlsxReader, StopsZipBombs) {
  // 60 MB of one character compresses to ~60 KB: the default 50 MB bound must stop it while
  // inflating.
  auto bomb = workbook("");
  bomb[3].second = sheet_xml(std::string(60 * 1024 * 1024, ' '));
  auto file = make_zip(bomb);
  EXPECT_LT(file.size(), 1024u * 1024u);
  auto message = error_of(file);
  EXPECT_NE(message.find("zip bomb"), std::string::npos) << message;
  EXPECT_THROW(read_first_sheet(file), LimitExceeded);

  // The total counts every part read.
  ReadLimits small;
  small.max_total_bytes = 4000;
  auto two = workbook(R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row>)",
                      "<si><t>" + std::string(3000, 'a') + "</t></si>");
  EXPECT_THROW(read_first_sheet(make_zip(two), small), LimitExceeded);

  // Shared strings repeated by every cell multiply the text: bounded too.
  std::string rows;
  for (int r = 1; r <= 200; ++r)
    rows += "<row r=\"" + std::to_string(r) + "\"><c t=\"s\"><v>0</v></c></row>";
  ReadLimits text;
  text.max_text_bytes = 100'000;
  EXPECT_THROW(
      read_first_sheet(make_zip(workbook(rows, "<si><t>" + std::string(1000, 'b') + "</t></si>")),
                       text),
      LimitExceeded);

  ReadLimits entries;
  entries.max_entries = 3;
  EXPECT_THROW(read_first_sheet(make_zip(workbook("")), entries), LimitExceeded);
}

TEST(XlsxReader, BoundsRowsAndColumns) {
  auto far_row = make_zip(workbook(R"(<row r="1048576"><c r="A1048576"><v>1</v></c></row>)"));
  auto message = error_of(far_row);
  EXPECT_NE(message.find("beyond row 100000"), std::string::npos) << message;

  ReadLimits ten;
  ten.max_rows = 10;
  std::string rows;
  for (int r = 1; r <= 10; ++r) rows += "<row><c><v>" + std::to_string(r) + "</v></c></row>";
  EXPECT_EQ(read_first_sheet(make_zip(workbook(rows)), ten).rows.size(), 10u);
  EXPECT_THROW(read_first_sheet(make_zip(workbook(rows + "<row><c><v>11</v></c></row>")), ten),
               LimitExceeded);
  // Formatting without values beyond the bound is harmless.
  auto styled = read_first_sheet(
      make_zip(workbook(rows + R"(<row r="500000" customHeight="1"><c r="A500000" s="2"/></row>)")),
      ten);
  EXPECT_EQ(styled.rows.size(), 10u);

  message = error_of(make_zip(workbook(R"(<row r="1"><c r="XFD1"><v>1</v></c></row>)")));
  EXPECT_NE(message.find("beyond column IV"), std::string::npos) << message;
}

TEST(XlsxWriter, WritesWhatTheReaderReadsBack) {
  Table t;
  t.sheet_name = "결과";
  t.columns = {{"키워드", 20}, {"URL", 30}, {"순위", 8}};
  t.rows = {{std::string("강남 맛집"), std::string("a.com"), 3.0},
            {std::string("blank rank"), std::string("b.com"), std::monostate{}},
            {std::string("<&\"'>"), std::string("c.com/경로"), std::string("-")}};
  auto bytes = write_xlsx(t);
  auto sheet = read_first_sheet(bytes);
  EXPECT_EQ(sheet.name, "결과");
  ASSERT_EQ(sheet.rows.size(), 4u);
  EXPECT_EQ(sheet.rows[0], (Row{"키워드", "URL", "순위"}));
  EXPECT_EQ(sheet.rows[1], (Row{"강남 맛집", "a.com", "3"}));
  EXPECT_EQ(sheet.rows[2], (Row{"blank rank", "b.com"}));
  EXPECT_EQ(sheet.rows[3], (Row{"<&\"'>", "c.com/경로", "-"}));

  Table too_long;
  too_long.columns = {{"x", 10}};
  too_long.rows = {{std::string(40000, 'x')}};
  EXPECT_THROW(write_xlsx(too_long), Error);
}

#include "xlsx/sheet_parser.h"

#include <optional>

#include "core/hex.h"
#include "xlsx/cell_ref.h"
#include "xlsx/errors.h"
#include "xlsx/xml_stream.h"

namespace crawler::xlsx {
namespace {

std::optional<unsigned> hex4(std::string_view s) {
  unsigned v = 0;
  for (char c : s) {
    const int digit = hex_value(c);
    if (digit < 0) return std::nullopt;
    v = v << 4 | static_cast<unsigned>(digit);
  }
  return v;
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string column_name(std::size_t column) {
  std::string name;
  for (; column > 0; column = (column - 1) / 26)
    name.insert(name.begin(), static_cast<char>('A' + (column - 1) % 26));
  return name;
}

// Collects the text of <t> elements, leaving out phonetic runs; shared by <si> and <is>.
class TextCollector {
 public:
  // Call with every node inside the <si> or <is>.
  void feed(XmlStream& x) {
    if (x.is_start("rPh") && !x.is_empty_element())
      in_phonetic_ = true;
    else if (x.is_end("rPh"))
      in_phonetic_ = false;
    else if (x.is_start("t") && !x.is_empty_element())
      in_t_ = !in_phonetic_;
    else if (x.is_end("t"))
      in_t_ = false;
    else if (in_t_ && x.is_text())
      text_ += x.value();
  }
  std::string take() {
    in_t_ = in_phonetic_ = false;
    auto out = decode_escapes(text_);
    text_.clear();
    return out;
  }

 private:
  bool in_t_ = false;
  bool in_phonetic_ = false;
  std::string text_;
};

}  // namespace

std::string decode_escapes(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (i + 7 <= text.size() && text.compare(i, 2, "_x") == 0 && text[i + 6] == '_') {
      auto cp = hex4(text.substr(i + 2, 4));
      // Surrogate halves cannot be encoded alone; leave such escapes as they are.
      if (cp && (*cp < 0xD800 || *cp > 0xDFFF)) {
        append_utf8(out, *cp);
        i += 7;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::vector<std::string> parse_shared_strings(std::string_view xml, const std::string& part) {
  std::vector<std::string> out;
  XmlStream x(xml, part);
  TextCollector text;
  bool in_si = false;
  while (x.next()) {
    if (x.is_start("si")) {
      if (x.is_empty_element())
        out.emplace_back();
      else
        in_si = true;
    } else if (x.is_end("si")) {
      out.push_back(text.take());
      in_si = false;
    } else if (in_si) {
      text.feed(x);
    }
  }
  return out;
}

std::vector<Row> parse_worksheet(std::string_view xml, const std::string& part,
                                 const std::vector<std::string>& shared_strings,
                                 const ReadLimits& limits) {
  std::vector<Row> rows;
  std::uint64_t text_bytes = 0;
  XmlStream x(xml, part);

  std::size_t row = 0;       // current row number
  std::size_t next_col = 1;  // for cells written without a reference
  // The cell being read.
  bool in_cell = false, in_value = false, in_inline = false;
  std::size_t col = 0;
  std::string type, value, cell_ref;
  TextCollector inline_text;

  auto store = [&](std::string text) {
    if (text.empty()) return;
    if (row > limits.max_rows)
      throw LimitExceeded("the sheet has values beyond row " + std::to_string(limits.max_rows));
    if (col > limits.max_columns)
      throw LimitExceeded("the sheet has values beyond column " + column_name(limits.max_columns) +
                          " (cell " + column_name(col) + std::to_string(row) + ")");
    text_bytes += text.size();
    if (text_bytes > limits.max_text_bytes)
      throw LimitExceeded("the sheet's text is larger than " +
                          std::to_string(limits.max_text_bytes / (1024 * 1024)) + " MB");
    if (rows.size() < row) rows.resize(row);
    auto& cells = rows[row - 1];
    if (cells.size() < col) cells.resize(col);
    cells[col - 1] = std::move(text);
  };

  auto finish_cell = [&] {
    std::string text;
    if (type == "s") {
      auto index = parse_index(value);
      if (!value.empty()) {
        if (!index || *index >= shared_strings.size())
          throw Error("the file is corrupt: cell " + cell_ref + " refers to shared string " +
                      value + ", which does not exist");
        text = shared_strings[*index];
      }
    } else if (type == "inlineStr") {
      text = inline_text.take();
    } else if (type == "str") {
      text = decode_escapes(value);
    } else if (type == "b") {
      text = value.empty() ? "" : (value == "0" ? "FALSE" : "TRUE");
    } else {
      text = value;  // "n", "d", "e": as written
    }
    store(std::move(text));
    next_col = col + 1;
    in_cell = in_value = in_inline = false;
  };

  while (x.next()) {
    if (x.is_start("row")) {
      auto r = x.attribute("r");
      auto parsed = r ? parse_index(*r) : std::nullopt;
      if (r && (!parsed || *parsed == 0))
        throw Error("the file is corrupt: " + part + " has a row numbered '" + *r + "'");
      row = parsed ? *parsed : row + 1;
      next_col = 1;
    } else if (x.is_start("c")) {
      auto r = x.attribute("r");
      type = x.attribute("t").value_or("n");
      value.clear();
      inline_text.take();  // drop anything left by a malformed previous cell
      if (r) {
        auto ref = parse_cell_ref(*r);
        if (!ref) throw Error("the file is corrupt: " + part + " has a cell named '" + *r + "'");
        col = ref->column;
        if (row == 0) row = ref->row;  // a cell outside any <row> (not valid, but harmless)
        cell_ref = *r;
      } else {
        col = next_col;
        cell_ref = column_name(col) + std::to_string(row);
      }
      if (row == 0) throw Error("the file is corrupt: " + part + " has a cell outside a row");
      in_cell = true;
      if (x.is_empty_element()) finish_cell();
    } else if (in_cell && x.is_end("c")) {
      finish_cell();
    } else if (in_cell && x.is_start("v") && !x.is_empty_element()) {
      in_value = true;
    } else if (in_cell && x.is_end("v")) {
      in_value = false;
    } else if (in_cell && x.is_start("is") && !x.is_empty_element()) {
      in_inline = true;
    } else if (in_cell && x.is_end("is")) {
      in_inline = false;
    } else if (in_inline) {
      inline_text.feed(x);
    } else if (in_value && x.is_text()) {
      value += x.value();
    }
  }
  // Rows were only created up to the last value, so there is nothing to trim.
  return rows;
}

}  // namespace crawler::xlsx

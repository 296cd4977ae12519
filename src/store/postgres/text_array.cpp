#include "store/postgres/text_array.h"

#include "store/errors.h"

namespace crawler::store::postgres {

std::string encode_text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::vector<std::string> decode_text_array(std::string_view text) {
  auto bad = [&] { return store::Error("malformed text[] value from PostgreSQL"); };
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') throw bad();
  std::vector<std::string> out;
  std::size_t i = 1, end = text.size() - 1;
  if (i == end) return out;
  for (;;) {
    std::string element;
    if (text[i] == '"') {
      ++i;
      for (;; ++i) {
        if (i >= end) throw bad();
        if (text[i] == '\\') {
          if (++i >= end) throw bad();
        } else if (text[i] == '"') {
          ++i;
          break;
        }
        element.push_back(text[i]);
      }
    } else {
      std::size_t start = i;
      while (i < end && text[i] != ',') ++i;
      element.assign(text.substr(start, i - start));
      if (element.empty() || element.front() == '{') throw bad();  // nested arrays: not ours
      if (element == "NULL") element.clear();
    }
    out.push_back(std::move(element));
    if (i == end) return out;
    if (text[i] != ',') throw bad();
    ++i;
  }
}

}  // namespace crawler::store::postgres

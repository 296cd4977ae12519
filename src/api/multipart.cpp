#include "api/multipart.h"

#include <algorithm>

#include "api/api_error.h"
#include "core/ascii.h"
#include "core/percent_encoding.h"

namespace crawler::api {
namespace {

constexpr std::size_t kMaxParts = 32;
constexpr std::size_t kMaxPartHeaderBytes = 8 * 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits `value; a=b; c="d \" e"` into the value and its parameters (lower-cased names),
// honouring quoted strings so a ';' inside a file name does not split it.
struct HeaderValue {
  std::string value;
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<std::string> param(std::string_view name) const {
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return std::nullopt;
  }
};

HeaderValue parse_header_value(std::string_view s) {
  HeaderValue out;
  auto semi = s.find(';');
  out.value = ascii_lower(trim(s.substr(0, semi)));
  if (semi == std::string_view::npos) return out;
  s.remove_prefix(semi + 1);
  while (!s.empty()) {
    s = trim(s);
    auto eq = s.find('=');
    auto end_name = std::min(eq, s.find(';'));
    std::string name = ascii_lower(trim(s.substr(0, end_name)));
    if (eq == std::string_view::npos || end_name != eq) {
      s.remove_prefix(end_name == std::string_view::npos ? s.size() : end_name + 1);
      continue;
    }
    s.remove_prefix(eq + 1);
    s = trim(s);
    std::string value;
    if (!s.empty() && s.front() == '"') {
      std::size_t i = 1;
      for (; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i];
      }
      s.remove_prefix(std::min(s.size(), i + 1));
      auto next = s.find(';');
      s.remove_prefix(next == std::string_view::npos ? s.size() : next + 1);
    } else {
      auto next = s.find(';');
      value = std::string(trim(s.substr(0, next)));
      s.remove_prefix(next == std::string_view::npos ? s.size() : next + 1);
    }
    out.params.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

// RFC 5987 ext-value: UTF-8''percent%20encoded (other charsets are not worth supporting).
std::optional<std::string> decode_ext_value(std::string_view v) {
  auto quote = v.find('\'');
  if (quote == std::string_view::npos) return std::nullopt;
  if (ascii_lower(v.substr(0, quote)) != "utf-8") return std::nullopt;
  auto second = v.find('\'', quote + 1);
  if (second == std::string_view::npos) return std::nullopt;
  return percent_decode(v.substr(second + 1));
}

FormPart parse_part(std::string_view part) {
  auto header_end = part.find("\r\n\r\n");
  if (header_end == std::string_view::npos || header_end > kMaxPartHeaderBytes)
    throw BadRequest("multipart body is malformed: a part has no header block");
  FormPart out;
  out.data = part.substr(header_end + 4);
  auto headers = part.substr(0, header_end);
  bool disposition = false;
  while (!headers.empty()) {
    auto eol = headers.find("\r\n");
    auto line = headers.substr(0, eol);
    headers.remove_prefix(eol == std::string_view::npos ? headers.size() : eol + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto name = ascii_lower(trim(line.substr(0, colon)));
    auto value = trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      auto h = parse_header_value(value);
      if (h.value != "form-data")
        throw BadRequest("multipart body is malformed: a part is not form-data");
      out.name = h.param("name").value_or("");
      if (auto ext = h.param("filename*")) out.filename = decode_ext_value(*ext);
      if (!out.filename) out.filename = h.param("filename");
      disposition = true;
    } else if (name == "content-type") {
      out.content_type = ascii_lower(value);
    }
  }
  if (!disposition)
    throw BadRequest("multipart body is malformed: a part has no Content-Disposition");
  return out;
}

}  // namespace

std::vector<FormPart> parse_multipart(const http::Request& req) {
  auto content_type = parse_header_value(req.header("Content-Type"));
  if (content_type.value != "multipart/form-data")
    throw BadRequest("the request must be multipart/form-data with a 'file' field");
  auto boundary = content_type.param("boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200)
    throw BadRequest("multipart/form-data needs a boundary parameter");

  const std::string delimiter = "--" + *boundary;
  std::string_view body = req.body;
  // The first delimiter may follow a preamble; later ones always follow a CRLF.
  std::size_t pos = body.starts_with(delimiter) ? 0 : body.find("\r\n" + delimiter);
  if (pos == std::string_view::npos)
    throw BadRequest("multipart body is malformed: the boundary does not occur in it");
  pos += body.starts_with(delimiter) ? delimiter.size() : delimiter.size() + 2;

  std::vector<FormPart> parts;
  const std::string separator = "\r\n" + delimiter;
  for (;;) {
    auto rest = body.substr(pos);
    if (rest.starts_with("--")) return parts;  // the closing delimiter
    // Transport padding (spaces/tabs) may follow a delimiter before its CRLF.
    auto eol = rest.find("\r\n");
    if (eol == std::string_view::npos || !trim(rest.substr(0, eol)).empty())
      throw BadRequest("multipart body is malformed: a boundary line is not followed by CRLF");
    auto start = pos + eol + 2;
    auto end = body.find(separator, start);
    if (end == std::string_view::npos)
      throw BadRequest("multipart body is truncated: the closing boundary is missing");
    if (parts.size() == kMaxParts)
      throw BadRequest("multipart body has more than " + std::to_string(kMaxParts) + " parts");
    parts.push_back(parse_part(body.substr(start, end - start)));
    pos = end + separator.size();
  }
}

const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name) {
  for (const auto& p : parts)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace crawler::api

#include "metrics/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "core/ascii.h"
#include "core/clock.h"
#include "core/hex.h"
#include "core/percent_encoding.h"

namespace crawler::metrics::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string collapse(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string date_part(std::string_view amz) { return std::string(amz.substr(0, 8)); }

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return hex_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  std::string k = hmac_sha256("AWS4" + std::string(secret), date);
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, service);
  return hmac_sha256(k, "aws4_request");
}

std::string amz_date(std::chrono::system_clock::time_point t) {
  return format_utc(t, "%Y%m%dT%H%M%SZ");
}

std::string uri_encode(std::string_view s, bool encode_slash) {
  return percent_encode(s, encode_slash ? kUnreservedMarks : "-._~/");
}

std::string canonical_path(std::string_view path, bool normalize) {
  if (path.empty()) return "/";
  if (!normalize) return uri_encode(path, false);
  // Dot-segment removal over the segments; empty segments ("//") dropped as well.
  std::vector<std::string_view> kept;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    auto seg =
        path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (seg == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!seg.empty() && seg != ".") {
      kept.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  std::string out = "/";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  // A trailing slash (or a last segment that was "." / "..") keeps the path a directory.
  const bool trailing = path.back() == '/' || path.ends_with("/.") || path.ends_with("/..");
  if (trailing && !kept.empty()) out += '/';
  return uri_encode(out, false);
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    auto amp = query.find('&', pos);
    auto part =
        query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!part.empty()) {
      auto eq = part.find('=');
      auto name = part.substr(0, eq);
      auto value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
      // '+' stays itself (not a space): AWS signs it as the literal character, %2B.
      params.emplace_back(uri_encode(percent_decode(name), true),
                          uri_encode(percent_decode(value), true));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::pair<std::string, std::string> canonical_headers(const Headers& headers) {
  std::map<std::string, std::vector<std::string>> merged;  // sorted by lower-case name
  for (const auto& [name, value] : headers) merged[ascii_lower(name)].push_back(collapse(value));
  std::string block, signed_list;
  for (const auto& [name, values] : merged) {
    block += name;
    block += ':';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) block += ',';
      block += values[i];
    }
    block += '\n';
    if (!signed_list.empty()) signed_list += ';';
    signed_list += name;
  }
  return {block, signed_list};
}

Signature sign(const SigningRequest& request, const Credentials& credentials,
               const SigningParams& params) {
  Signature out;
  const std::string date_time = amz_date(params.time);
  const std::string payload_hash = sha256_hex(request.body);

  Headers to_sign = request.headers;
  out.headers_to_add.emplace_back("X-Amz-Date", date_time);
  if (params.sign_body) out.headers_to_add.emplace_back("x-amz-content-sha256", payload_hash);
  const bool token = !credentials.session_token.empty();
  if (token && !params.omit_session_token)
    out.headers_to_add.emplace_back("X-Amz-Security-Token", credentials.session_token);
  to_sign.insert(to_sign.end(), out.headers_to_add.begin(), out.headers_to_add.end());
  if (token && params.omit_session_token)
    out.headers_to_add.emplace_back("X-Amz-Security-Token", credentials.session_token);

  auto [header_block, signed_headers] = canonical_headers(to_sign);
  out.signed_headers = signed_headers;
  out.canonical_request = request.method + '\n' +
                          canonical_path(request.path, params.normalize_path) + '\n' +
                          canonical_query(request.query) + '\n' + header_block + '\n' +
                          signed_headers + '\n' + payload_hash;

  const std::string date = date_part(date_time);
  const std::string scope = date + '/' + params.region + '/' + params.service + "/aws4_request";
  out.string_to_sign = std::string(kAlgorithm) + '\n' + date_time + '\n' + scope + '\n' +
                       sha256_hex(out.canonical_request);
  const std::string key =
      signing_key(credentials.secret_access_key, date, params.region, params.service);
  out.signature = hex_encode(hmac_sha256(key, out.string_to_sign));
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + '/' +
                      scope + ", SignedHeaders=" + signed_headers + ", Signature=" + out.signature;
  out.headers_to_add.emplace_back("Authorization", out.authorization);
  return out;
}

}  // namespace crawler::metrics::sigv4

// AWS Signature Version 4 for requests signed in headers (Authorization), per the AWS
// General Reference. Pure: no clock, no network; the caller passes the time.
//
//   auto s = sigv4::sign(request, credentials, {.region = "eu-west-1",
//                                               .service = "monitoring", .time = now});
//   for (auto& [k, v] : s.headers_to_add) add_header(k, v);
//
// Design:
//   - Every header in SigningRequest::headers is signed, plus the ones sign() adds
//     (X-Amz-Date, X-Amz-Security-Token, x-amz-content-sha256 on request). The caller
//     decides what to sign by what it passes: the HTTP layer (libcurl) may add others
//     (Content-Length, Accept, User-Agent), which AWS ignores when unsigned.
//   - `path` is the path as it goes on the wire. Each byte outside the unreserved set is
//     percent-encoded, so an already-encoded path is encoded a second time: what every AWS
//     service except S3 expects. With normalize_path, "." and ".." segments and empty
//     segments are removed first (RFC 3986 dot-segment removal).
//   - The query string is decoded and re-encoded strictly (RFC 3986 unreserved set), then
//     sorted by name and value, so "%E1%88%B4" and the raw UTF-8 sign the same.
//   - Header values: trimmed, runs of whitespace (folded lines too) collapsed to one space,
//     repeated headers joined with ',' in order.
//   - Crypto: OpenSSL's EVP SHA-256 and one-shot HMAC (neither deprecated in OpenSSL 3).
//   - Secrets: only the signing key derivation sees the secret; the results carry the
//     signature, never the key. Do not log SigningRequest headers once the security token
//     is in them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crawler::metrics::sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: long-term keys
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct SigningRequest {
  std::string method = "GET";
  std::string path = "/";
  std::string query;  // without '?'
  Headers headers;    // must include Host
  std::string body;
};

struct SigningParams {
  std::string region;
  std::string service;
  std::chrono::system_clock::time_point time;
  bool normalize_path = true;
  // Adds and signs x-amz-content-sha256 (S3 needs it; most services accept it).
  bool sign_body = false;
  // Sign without the session token, and add it afterwards (a few services, e.g. IoT, want
  // that); by default the token is signed.
  bool omit_session_token = false;
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;       // lower-case hex
  std::string authorization;   // the Authorization header's value
  std::string signed_headers;  // "host;x-amz-date"
  // To add to the request, in this order: X-Amz-Date, [x-amz-content-sha256],
  // [X-Amz-Security-Token], Authorization.
  Headers headers_to_add;
};

Signature sign(const SigningRequest& request, const Credentials& credentials,
               const SigningParams& params);

// The building blocks, exposed for tests and for verifying a received request.
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw bytes
std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service);              // raw bytes
std::string amz_date(std::chrono::system_clock::time_point t);  // 20150830T123600Z
// RFC 3986 percent-encoding of everything but A-Z a-z 0-9 - . _ ~ (and '/' unless
// encode_slash), upper-case hex.
std::string uri_encode(std::string_view s, bool encode_slash);
std::string canonical_path(std::string_view path, bool normalize);
std::string canonical_query(std::string_view query);
// Lower-case names, sorted; values trimmed and whitespace-collapsed; repeats comma-joined.
// Returns (canonical header block with trailing newline per header, signed header list).
std::pair<std::string, std::string> canonical_headers(const Headers& headers);

}  // namespace crawler::metrics::sigv4

// SigV4 against the AWS signing test suite (aws-c-auth's v4 vectors, see SOURCE.md in the
// suite's folder): every case with header-signing expectations is parsed from its
// request.txt and context.json, signed, and compared step by step (canonical request,
// string to sign, signature, Authorization header).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "metrics/credentials.h"
#include "metrics/sigv4.h"

namespace crawler::metrics {
namespace {

namespace fs = std::filesystem;
const fs::path kSuite = CRAWLER_SIGV4_SUITE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// request.txt: "METHOD target HTTP/1.1", headers (a line starting with whitespace continues
// the previous value), a blank line, the body. The target may contain spaces (get-space-*).
sigv4::SigningRequest parse_request(const std::string& text) {
  sigv4::SigningRequest r;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  auto first = line.find(' ');
  auto last = line.rfind(' ');
  r.method = line.substr(0, first);
  std::string target = line.substr(first + 1, last - first - 1);
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  while (std::getline(in, line) && !line.empty()) {
    if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.back().second += " " + line;
      continue;
    }
    auto colon = line.find(':');
    r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::ostringstream body;
  body << in.rdbuf();
  r.body = body.str();
  return r;
}

std::string authorization_line(const std::string& signed_request) {
  std::istringstream in(signed_request);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("Authorization:")) return line.substr(14);
  return {};
}

std::vector<fs::path> header_cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kSuite))
    if (e.is_directory() && fs::exists(e.path() / "header-canonical-request.txt"))
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Sigv4Suite, EveryHeaderSigningCasePasses) {
  auto cases = header_cases();
  ASSERT_GE(cases.size(), 30u) << "suite not found at " << kSuite;
  for (const auto& dir : cases) {
    SCOPED_TRACE(dir.filename().string());
    auto ctx = boost::json::parse(slurp(dir / "context.json")).as_object();
    const auto& creds = ctx.at("credentials").as_object();
    sigv4::Credentials keys{std::string(creds.at("access_key_id").as_string()),
                            std::string(creds.at("secret_access_key").as_string()), ""};
    if (auto t = creds.find("token"); t != creds.end())
      keys.session_token = std::string(t->value().as_string());
    sigv4::SigningParams params;
    params.region = std::string(ctx.at("region").as_string());
    params.service = std::string(ctx.at("service").as_string());
    params.time = *parse_iso8601(std::string(ctx.at("timestamp").as_string()));
    params.normalize_path = ctx.at("normalize").as_bool();
    params.sign_body = ctx.at("sign_body").as_bool();
    if (auto o = ctx.find("omit_session_token"); o != ctx.end())
      params.omit_session_token = o->value().as_bool();

    auto s = sigv4::sign(parse_request(slurp(dir / "request.txt")), keys, params);
    EXPECT_EQ(s.canonical_request, slurp(dir / "header-canonical-request.txt"));
    EXPECT_EQ(s.string_to_sign, slurp(dir / "header-string-to-sign.txt"));
    EXPECT_EQ(s.signature, slurp(dir / "header-signature.txt"));
    EXPECT_EQ(s.authorization, authorization_line(slurp(dir / "header-signed-request.txt")));
  }
}

TEST(Sigv4, BuildingBlocks) {
  EXPECT_EQ(sigv4::sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sigv4::uri_encode("a b/c~", false), "a%20b/c~");
  EXPECT_EQ(sigv4::uri_encode("a b/c", true), "a%20b%2Fc");
  EXPECT_EQ(sigv4::canonical_query("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
  EXPECT_EQ(sigv4::canonical_query("x=a+b"), "x=a%2Bb");
  EXPECT_EQ(sigv4::canonical_path("/a/./b/../c/", true), "/a/c/");
  EXPECT_EQ(sigv4::canonical_path("", true), "/");
  EXPECT_EQ(sigv4::amz_date(std::chrono::system_clock::from_time_t(1440938160)),
            "20150830T123600Z");
}

}  // namespace
}  // namespace crawler::metrics

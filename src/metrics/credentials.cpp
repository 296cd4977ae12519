#include "metrics/credentials.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "metrics/aws_http.h"

namespace crawler::metrics {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
  return s.substr(i);
}

// The SDKs accept a FULL_URI over https anywhere, and over http only on hosts that cannot be
// someone else's machine: loopback, and the link-local ECS / EKS Pod Identity agents.
bool allowed_full_uri(const std::string& uri) {
  auto parsed = boost::urls::parse_uri(uri);
  if (!parsed) return false;
  const auto scheme = parsed->scheme();
  if (scheme == "https") return true;
  if (scheme != "http") return false;
  const std::string host = parsed->host_address();
  return host == "localhost" || host.starts_with("127.") || host == "::1" ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23";
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_iso8601(const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t secs = timegm(&tm);
  std::string_view rest = std::string_view(text).substr(static_cast<std::size_t>(consumed));
  if (!rest.empty() && rest.front() == '.') {  // fractional seconds: ignored
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') rest.remove_prefix(1);
  }
  if (rest == "Z" || rest.empty()) {
  } else if ((rest.front() == '+' || rest.front() == '-') && rest.size() == 6 && rest[3] == ':') {
    int h = std::atoi(std::string(rest.substr(1, 2)).c_str());
    int m = std::atoi(std::string(rest.substr(4, 2)).c_str());
    int offset = (h * 60 + m) * 60;
    secs += rest.front() == '+' ? -offset : offset;
  } else {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(secs);
}

std::optional<AwsCredentials> parse_credentials_json(const std::string& body, std::string source) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto& o = value.as_object();
  auto str = [&](const char* key) -> std::optional<std::string> {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return std::nullopt;
    return std::string(it->value().as_string());
  };
  if (auto code = str("Code"); code && *code != "Success") return std::nullopt;
  auto id = str("AccessKeyId");
  auto secret = str("SecretAccessKey");
  if (!id || !secret || id->empty() || secret->empty()) return std::nullopt;
  AwsCredentials out;
  out.keys.access_key_id = *id;
  out.keys.secret_access_key = *secret;
  out.keys.session_token = str("Token").value_or("");
  if (auto exp = str("Expiration")) {
    out.expiration = parse_iso8601(*exp);
    if (!out.expiration) return std::nullopt;
  }
  out.source = std::move(source);
  return out;
}

CredentialsChain::CredentialsChain(CredentialsChainOptions options)
    : options_(std::move(options)) {}

bool CredentialsChain::fresh(const AwsCredentials& c) const {
  return !c.expiration || options_.clock() + options_.refresh_margin < *c.expiration;
}

std::optional<AwsCredentials> CredentialsChain::resolve() {
  std::lock_guard lock(mutex_);
  if (cached_ && fresh(*cached_)) return cached_;
  std::optional<AwsCredentials> found;
  std::string errors;
  auto attempt = [&](const char* name, auto&& source) {
    if (found) return;
    try {
      found = source();
    } catch (const std::exception& e) {
      errors += std::string(errors.empty() ? "" : "; ") + name + ": " + e.what();
    }
  };
  attempt("environment", [&] { return from_environment(); });
  attempt("ecs", [&] { return from_ecs(); });
  attempt("imds", [&] { return from_imds(); });
  if (found) {
    cached_ = found;
    last_error_.clear();
    return found;
  }
  last_error_ = errors.empty() ? "no credentials source configured" : errors;
  // Keys fetched earlier stay usable until they actually expire.
  if (cached_ && (!cached_->expiration || options_.clock() < *cached_->expiration)) return cached_;
  cached_.reset();
  return std::nullopt;
}

std::string CredentialsChain::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

std::optional<AwsCredentials> CredentialsChain::from_environment() {
  const auto& src = options_.sources;
  if (src.access_key_id.empty() || src.secret_access_key.empty()) return std::nullopt;
  AwsCredentials out;
  out.keys = {src.access_key_id, src.secret_access_key, src.session_token};
  out.source = "environment";
  return out;
}

std::optional<AwsCredentials> CredentialsChain::from_ecs() {
  HttpCall call;
  call.connect_timeout = options_.connect_timeout;
  call.timeout = options_.timeout;
  call.use_proxy = false;
  const auto& src = options_.sources;
  if (!src.container_relative_uri.empty()) {
    call.url = options_.ecs_host + src.container_relative_uri;
  } else if (!src.container_full_uri.empty()) {
    if (!allowed_full_uri(src.container_full_uri))
      throw std::runtime_error(
          "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback/ECS host");
    call.url = src.container_full_uri;
    if (!src.container_token_file.empty()) {
      std::ifstream in(src.container_token_file);
      if (!in) throw std::runtime_error("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
      std::ostringstream s;
      s << in.rdbuf();
      call.headers.emplace_back("Authorization", trim(s.str()));
    } else if (!src.container_token.empty()) {
      call.headers.emplace_back("Authorization", src.container_token);
    }
  } else {
    return std::nullopt;
  }
  auto reply = http_call(call);
  if (reply.status != 200)
    throw std::runtime_error("container credentials endpoint answered " +
                             std::to_string(reply.status));
  auto creds = parse_credentials_json(reply.body, "ecs");
  if (!creds) throw std::runtime_error("container credentials endpoint sent no usable keys");
  return creds;
}

std::optional<AwsCredentials> CredentialsChain::from_imds() {
  const auto& src = options_.sources;
  if (src.ec2_metadata_disabled) return std::nullopt;
  std::string base =
      src.ec2_metadata_endpoint.empty() ? options_.imds_endpoint : src.ec2_metadata_endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();

  auto call = [&](std::string method, std::string path,
                  std::vector<std::pair<std::string, std::string>> headers) {
    HttpCall c;
    c.method = std::move(method);
    c.url = base + path;
    c.headers = std::move(headers);
    c.connect_timeout = options_.connect_timeout;
    c.timeout = options_.timeout;
    c.use_proxy = false;
    return http_call(c);
  };
  auto token =
      call("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}});
  if (token.status != 200)
    throw std::runtime_error("IMDSv2 token request answered " + std::to_string(token.status));
  const std::vector<std::pair<std::string, std::string>> auth = {
      {"X-aws-ec2-metadata-token", trim(token.body)}};
  auto role = call("GET", "/latest/meta-data/iam/security-credentials/", auth);
  if (role.status == 404) return std::nullopt;  // an instance without a role
  if (role.status != 200)
    throw std::runtime_error("IMDS role lookup answered " + std::to_string(role.status));
  std::string name = trim(role.body);
  if (auto nl = name.find('\n'); nl != std::string::npos) name.resize(nl);
  if (name.empty()) return std::nullopt;
  auto creds = call("GET", "/latest/meta-data/iam/security-credentials/" + name, auth);
  if (creds.status != 200)
    throw std::runtime_error("IMDS credentials answered " + std::to_string(creds.status));
  auto parsed = parse_credentials_json(creds.body, "imds");
  if (!parsed) throw std::runtime_error("IMDS sent no usable keys");
  return parsed;
}

}  // namespace crawler::metrics

#include "crawl/config.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace crawler::crawl {
namespace {

[[noreturn]] void bad(std::string_view name, std::string_view why) {
  throw std::invalid_argument(std::string(name) + ": " + std::string(why));
}

long long integer(std::string_view name, const std::string& value, long long lo, long long hi) {
  long long v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc{} || end != value.data() + value.size() || v < lo || v > hi)
    bad(name, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                  "], got '" + value + "'");
  return v;
}

bool flag(std::string_view name, const std::string& value) {
  if (value == "1" || value == "true") return true;
  if (value == "0" || value == "false" || value.empty()) return false;
  bad(name, "expected 1 or 0, got '" + value + "'");
}

}  // namespace

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

CrawlConfig crawl_config_from_env(const EnvLookup& env) {
  CrawlConfig config;
  if (auto v = env("CRAWL_MODE"); v && !v->empty()) {
    auto mode = parse_crawl_mode(*v);
    if (!mode) bad("CRAWL_MODE", "expected auto, http or browser, got '" + *v + "'");
    config.mode = *mode;
  }
  if (auto v = env("CRAWL_TIMEOUT_MS"); v && !v->empty())
    config.timeout = std::chrono::milliseconds(integer("CRAWL_TIMEOUT_MS", *v, 100, 600000));

  config.profiles = default_profiles();
  for (auto [var, rank_type] : {std::pair{"SERP_AD_URL", "AD"}, {"SERP_ORGANIC_URL", "ORGANIC"}}) {
    auto v = env(var);
    if (!v || v->empty()) continue;
    if (v->find("{query}") == std::string::npos) bad(var, "must contain {query}");
    for (auto& p : config.profiles)
      if (p.rank_type == rank_type) p.url_template = *v;
  }
  if (auto v = env("CRAWL_PROFILE_FILE"); v && !v->empty()) {
    try {
      apply_profile_file(config.profiles, *v);
    } catch (const std::exception& e) {
      bad("CRAWL_PROFILE_FILE", e.what());
    }
  }

  if (auto v = env("CRAWL_ALLOW_PRIVATE"))
    config.http.ssrf.allow_private = flag("CRAWL_ALLOW_PRIVATE", *v);
  if (auto v = env("CRAWL_ALLOWED_NETWORKS"); v && !v->empty()) {
    std::string_view rest = *v;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      auto part = rest.substr(0, comma);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
      if (!part.empty()) config.http.ssrf.allowed_networks.emplace_back(part);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    try {
      validate(config.http.ssrf);
    } catch (const std::exception& e) {
      bad("CRAWL_ALLOWED_NETWORKS", e.what());
    }
  }

  if (auto v = env("CRAWL_RATE_PER_HOST"); v && !v->empty()) {
    char* end = nullptr;
    const double rate = std::strtod(v->c_str(), &end);
    if (end != v->c_str() + v->size() || !std::isfinite(rate) || rate < 0)
      bad("CRAWL_RATE_PER_HOST", "expected a number >= 0, got '" + *v + "'");
    config.rate_per_host = rate;
  }
  if (auto v = env("CRAWL_RATE_BURST"); v && !v->empty())
    config.rate_burst = static_cast<int>(integer("CRAWL_RATE_BURST", *v, 1, 1000));

  const auto host = env("PROXY_HOST");
  const auto port = env("PROXY_PORT");
  if (host && !host->empty()) {
    if (!port || port->empty()) bad("PROXY_PORT", "required when PROXY_HOST is set");
    ProxyConfig proxy;
    proxy.host = *host;
    proxy.port = static_cast<std::uint16_t>(integer("PROXY_PORT", *port, 1, 65535));
    proxy.user = env("PROXY_USER").value_or("");
    proxy.password = env("PROXY_PASS").value_or("");
    proxy.session_salt = random_session_salt();
    config.http.proxy = std::move(proxy);
  }
  return config;
}

}  // namespace crawler::crawl

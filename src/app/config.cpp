#include "app/config.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>

#include "app/config_parse.h"
#include "core/ascii.h"
#include "crawl/browser/browser_fetcher.h"
#include "redis/url.h"
#include "scheduler/cron.h"
#include "store/postgres/connection.h"

namespace crawler::app {
namespace {

std::uint16_t parse_port(std::string_view v) {
  return static_cast<std::uint16_t>(parse_int(v, 1, 65535));
}

std::chrono::milliseconds parse_ms(std::string_view v, std::int64_t min,
                                   std::int64_t max = std::int64_t{1} << 40) {
  return std::chrono::milliseconds(parse_int(v, min, max));
}

std::string parse_url_template(std::string_view v) {
  if (v.find("{query}") == std::string_view::npos)
    throw std::invalid_argument("does not contain {query}");
  return std::string(v);
}

void set_url_template(Config& c, std::string_view rank_type, std::string_view v) {
  for (auto& p : c.crawl.profiles)
    if (p.rank_type == rank_type) p.url_template = parse_url_template(v);
}

crawl::ProxyConfig& proxy(Config& c) {
  if (!c.crawl.proxy) c.crawl.proxy.emplace();
  return *c.crawl.proxy;
}

std::vector<std::string> parse_resource_types(std::string_view v) {
  std::vector<std::string> out;
  if (ascii_iequals(v, "none")) return out;
  for (const auto& item : split_list(v)) {
    const auto* known = std::find_if(std::begin(crawl::browser::kResourceTypes),
                                     std::end(crawl::browser::kResourceTypes),
                                     [&](std::string_view k) { return ascii_iequals(k, item); });
    if (known == std::end(crawl::browser::kResourceTypes))
      throw std::invalid_argument("unknown resource type '" + item +
                                  "' (e.g. Image, Font, Media, Stylesheet, Script)");
    out.emplace_back(*known);
  }
  return out;
}

// An AWS SDK variable: no flag, no default, read from the environment only (Setting).
Setting aws_setting(std::string_view name, std::vector<std::string_view> aliases,
                    std::string_view form, std::string_view help, bool secret,
                    std::function<void(Config&, std::string_view)> apply) {
  return Setting{name, "", std::move(aliases), "", form, help, secret, std::move(apply), true};
}

std::vector<Setting> make_settings() {
  using S = Setting;
  return {
      S{"PROCESS_TYPE",
        "process",
        {},
        "all",
        "comma list of api, ws, scheduler, worker, all",
        "roles this process runs (also --process api ws)",
        false,
        [](Config& c, std::string_view v) { c.roles = parse_roles({std::string(v)}); }},
      S{"BIND_ADDRESS",
        "bind-address",
        {},
        "0.0.0.0",
        "an IP address",
        "address the HTTP servers listen on",
        false,
        [](Config& c, std::string_view v) { c.bind_address = v; }},
      S{"PORT",
        "port",
        {},
        "3000",
        "a TCP port 1-65535",
        "api/ws server: REST, WebSocket, /health, /ready, /metrics",
        false,
        [](Config& c, std::string_view v) { c.port = parse_port(v); }},
      S{"SCHEDULER_PORT",
        "scheduler-port",
        {},
        "3002",
        "a TCP port 1-65535",
        "scheduler's /health, /ready, /metrics",
        false,
        [](Config& c, std::string_view v) { c.scheduler_port = parse_port(v); }},
      S{"WORKER_PORT",
        "worker-port",
        {},
        "3001",
        "a TCP port 0-65535 (0: any free port)",
        "/health, /ready, /metrics of a process that runs workers but not the api",
        false,
        [](Config& c, std::string_view v) {
          c.worker_port = static_cast<std::uint16_t>(parse_int(v, 0, 65535));
        }},
      S{"AUTOSCALER_PORT",
        "autoscaler-port",
        {},
        "3003",
        "a TCP port 1-65535",
        "/health and /metrics of --process=autoscaler",
        false,
        [](Config& c, std::string_view v) { c.autoscaler_port = parse_port(v); }},
      S{"AUTOSCALER_POLICY",
        "autoscaler-policy",
        {},
        "cloudwatch/autoscaling.json",
        "a path to a policy file",
        "the scaling policy --process=autoscaler applies to local worker processes",
        false,
        [](Config& c, std::string_view v) { c.autoscaler_policy = v; }},
      S{"AUTOSCALER_MIN",
        "autoscaler-min",
        {},
        "",
        "an integer 0-64",
        "fewest local worker processes (default: the policy's MinCapacity)",
        false,
        [](Config& c, std::string_view v) {
          c.autoscaler_min = static_cast<int>(parse_int(v, 0, 64));
        }},
      S{"AUTOSCALER_MAX",
        "autoscaler-max",
        {},
        "",
        "an integer 1-64",
        "most local worker processes (default: the policy's MaxCapacity, at most 16)",
        false,
        [](Config& c, std::string_view v) {
          c.autoscaler_max = static_cast<int>(parse_int(v, 1, 64));
        }},
      S{"AUTOSCALER_PERIOD_MS",
        "autoscaler-period-ms",
        {},
        "60000",
        "milliseconds >= 100",
        "how often the autoscaler samples the queue (CloudWatch's period is 60 s)",
        false,
        [](Config& c, std::string_view v) { c.autoscaler_period = parse_ms(v, 100); }},
      S{"DATABASE_URL",
        "database-url",
        {},
        "",
        "postgresql://user:password@host:port/db[?sslmode=require]",
        "PostgreSQL (with REDIS_URL; both unset: embedded mode in DATA_DIR)",
        true,
        [](Config& c, std::string_view v) {
          if (auto err = store::postgres::validate_url(v)) throw std::invalid_argument(*err);
          c.database_url = v;
        }},
      S{"DATABASE_POOL_SIZE",
        "database-pool-size",
        {},
        "10",
        "an integer 1-200",
        "PostgreSQL connections per process",
        false,
        [](Config& c, std::string_view v) {
          c.database_pool_size = static_cast<int>(parse_int(v, 1, 200));
        }},
      S{"REDIS_URL",
        "redis-url",
        {},
        "",
        "redis://[user:password@]host:port[/db] or rediss:// (TLS)",
        "Redis for the Bull queue (with DATABASE_URL; both unset: embedded mode in DATA_DIR)",
        true,
        [](Config& c, std::string_view v) {
          redis::parse_url(v);  // throws std::invalid_argument naming what is wrong
          c.redis_url = v;
        }},
      S{"DATA_DIR",
        "data-dir",
        {},
        "./data",
        "a directory (created if missing)",
        "embedded mode (DATABASE_URL and REDIS_URL unset): the directory of crawler.db, the one "
        "SQLite file holding keywords, rankings, bulk searches and the queue",
        false,
        [](Config& c, std::string_view v) { c.data_dir = v; }},
      S{"QUEUE_PREFIX",
        "queue-prefix",
        {},
        "bull",
        "a key prefix, e.g. bull or {bull}",
        "Redis key prefix of the Bull queue; {bull} keeps every key in one Redis Cluster slot",
        false,
        [](Config& c, std::string_view v) { c.queue_prefix = v; }},
      S{"QUEUE_NAME",
        "queue-name",
        {},
        "crawl-jobs",
        "a queue name",
        "the Bull queue's name (keys <prefix>:<name>:*)",
        false,
        [](Config& c, std::string_view v) { c.queue_name = v; }},
      S{"API_KEYS",
        "api-keys",
        {},
        "",
        "comma list of keys (at least 16 characters each)",
        "when set, /api routes and WebSocket handshakes need Authorization: Bearer <key> or "
        "x-api-key",
        true,
        [](Config& c, std::string_view v) {
          c.api_keys = split_list(v);
          for (const auto& k : c.api_keys)
            if (k.size() < 16) throw std::invalid_argument("a key is shorter than 16 characters");
        }},
      S{"CORS_ORIGINS",
        "cors-origins",
        {},
        "*",
        "* or a comma list of origins",
        "browser origins allowed to call the API",
        false,
        [](Config& c, std::string_view v) { c.cors_origins = split_list(v); }},
      S{"WORKER_CONCURRENCY",
        "worker-concurrency",
        {},
        "1",
        "an integer 1-256",
        "jobs one worker process runs at once (2 on the EC2 host, 4 in a Fargate task)",
        false,
        [](Config& c, std::string_view v) {
          c.worker_concurrency = static_cast<int>(parse_int(v, 1, 256));
        }},
      S{"WORKER_INTERVAL_MS",
        "worker-interval-ms",
        {},
        "1000",
        "milliseconds >= 0",
        "pause of a worker slot after each job",
        false,
        [](Config& c, std::string_view v) { c.worker_interval = parse_ms(v, 0); }},
      S{"SCHEDULER_CRON",
        "scheduler-cron",
        {},
        "* * * * *",
        "a cron expression (5 fields, optional seconds field)",
        "when the scheduler ticks",
        false,
        [](Config& c, std::string_view v) { c.scheduler_cron = v; }},
      S{"SCHEDULER_TZ",
        "scheduler-tz",
        {},
        "UTC",
        "an IANA time zone name",
        "time zone of SCHEDULER_CRON",
        false,
        [](Config& c, std::string_view v) { c.scheduler_tz = v; }},
      S{"SCHEDULER_INTERVAL_MS",
        "scheduler-interval-ms",
        {"SCEDULER_INTERVAL_MS"},
        "60000",
        "milliseconds >= 1000",
        "a keyword is due when last checked longer ago than this",
        false,
        [](Config& c, std::string_view v) { c.scheduler_interval = parse_ms(v, 1000); }},
      S{"SCHEDULER_LEASE_MS",
        "scheduler-lease-ms",
        {},
        "15000",
        "milliseconds >= 300",
        "leader lease of the scheduler: a standby replica takes over within this after the "
        "leader dies",
        false,
        [](Config& c, std::string_view v) { c.scheduler_lease = parse_ms(v, 300); }},
      S{"BULK_SEARCH_MONITORING_INTERVAL_MS",
        "bulk-search-monitoring-interval-ms",
        {},
        "86400000",
        "milliseconds >= 0",
        "bulk search reuses a ranking younger than this",
        false,
        [](Config& c, std::string_view v) { c.bulk_search_monitoring_interval = parse_ms(v, 0); }},
      S{"PROXY_HOST",
        "proxy-host",
        {},
        "",
        "a host name or IP",
        "crawl through this proxy",
        false,
        [](Config& c, std::string_view v) { proxy(c).host = v; }},
      S{"PROXY_PORT",
        "proxy-port",
        {},
        "",
        "a TCP port 1-65535",
        "proxy port",
        false,
        [](Config& c, std::string_view v) { proxy(c).port = parse_port(v); }},
      S{"PROXY_USER",
        "proxy-user",
        {},
        "",
        "text",
        "proxy user; a rotating -session-<hex> suffix is added",
        false,
        [](Config& c, std::string_view v) { proxy(c).user = v; }},
      S{"PROXY_PASS",
        "proxy-pass",
        {},
        "",
        "text",
        "proxy password",
        true,
        [](Config& c, std::string_view v) { proxy(c).password = v; }},
      S{"CRAWL_MODE",
        "crawl-mode",
        {},
        "auto",
        "auto, http or browser",
        "auto: HTTP first, then the browser when it finds nothing",
        false,
        [](Config& c, std::string_view v) {
          auto mode = crawl::parse_crawl_mode(v);
          if (!mode) throw std::invalid_argument("unknown mode");
          c.crawl.mode = *mode;
        }},
      S{"CRAWL_BROWSER_BLOCK",
        "crawl-browser-block",
        {},
        "Image,Font,Media",
        "CDP resource types, comma-separated, or none",
        "what the browser path refuses to download",
        false,
        [](Config& c, std::string_view v) {
          c.crawl.browser.blocked_resource_types = parse_resource_types(v);
        }},
      S{"CRAWL_TIMEOUT_MS",
        "crawl-timeout-ms",
        {},
        "10000",
        "milliseconds",
        "timeout of one search page fetch",
        false,
        [](Config& c, std::string_view v) { c.crawl.timeout = parse_ms(v, 100, 600000); }},
      S{"CRAWL_RATE_PER_HOST",
        "crawl-rate-per-host",
        {},
        "5",
        "requests per second (0: no limit)",
        "fleet-wide limit per target host, shared through Redis",
        false,
        [](Config& c, std::string_view v) { c.crawl.rate_per_host = parse_number(v, 0); }},
      S{"CRAWL_RATE_BURST",
        "crawl-rate-burst",
        {},
        "1",
        "an integer >= 1",
        "back-to-back requests allowed per host",
        false,
        [](Config& c, std::string_view v) {
          c.crawl.rate_burst = static_cast<int>(parse_int(v, 1, 1000));
        }},
      S{"CRAWL_ALLOW_PRIVATE",
        "crawl-allow-private",
        {},
        "0",
        "0 or 1",
        "1: let crawls reach private/loopback addresses (tests, local demo only)",
        false,
        [](Config& c, std::string_view v) { c.crawl.ssrf.allow_private = parse_bool(v); }},
      S{"CRAWL_ALLOWED_NETWORKS",
        "crawl-allowed-networks",
        {},
        "",
        "comma list of CIDRs",
        "non-public networks crawls may reach anyway",
        false,
        [](Config& c, std::string_view v) {
          c.crawl.ssrf.allowed_networks = split_list(v);
          crawl::validate(c.crawl.ssrf);
        }},
      S{"CRAWL_PROFILE_FILE",
        "crawl-profile-file",
        {},
        "",
        "a path to a JSON file",
        "search profile overrides (selectors, url templates)",
        false,
        [](Config& c, std::string_view v) { c.crawl.profile_file = v; }},
      S{"SERP_AD_URL",
        "serp-ad-url",
        {},
        "",
        "a url template containing {query}",
        "AD search page (default: Naver mobile ad search)",
        false,
        [](Config& c, std::string_view v) { set_url_template(c, "AD", v); }},
      S{"SERP_ORGANIC_URL",
        "serp-organic-url",
        {},
        "",
        "a url template containing {query}",
        "ORGANIC search page (default: Naver mobile search)",
        false,
        [](Config& c, std::string_view v) { set_url_template(c, "ORGANIC", v); }},
      S{"CRAWL_PROFILES",
        "crawl-profiles",
        {},
        "AD",
        "comma list of AD, ORGANIC",
        "which result areas each job checks; the first gives the job's rank",
        false,
        [](Config& c, std::string_view v) {
          c.crawl.rank_types = split_list(v);
          for (auto& p : c.crawl.rank_types) {
            p = ascii_upper(p);
            if (p != "AD" && p != "ORGANIC")
              throw std::invalid_argument("unknown area '" + p + "'");
          }
        }},
      S{"CHROMIUM_PATH",
        "chromium-path",
        {"PUPPETEER_EXECUTABLE_PATH"},
        "/usr/bin/chromium",
        "a path to an executable",
        "headless Chromium for the browser crawl path",
        false,
        [](Config& c, std::string_view v) { c.crawl.browser.chromium_path = v; }},
      S{"LOG_LEVEL",
        "log-level",
        {},
        "info",
        "trace, debug, info, warn, error or off",
        "lowest level logged",
        false,
        [](Config& c, std::string_view v) {
          auto l = log::parse_level(v);
          if (!l) throw std::invalid_argument("unknown level");
          c.log_level = *l;
        }},
      S{"LOG_FORMAT",
        "log-format",
        {},
        "json",
        "json or text",
        "json: one object per line (CloudWatch Logs); text: for a terminal",
        false,
        [](Config& c, std::string_view v) {
          auto f = log::parse_format(v);
          if (!f) throw std::invalid_argument("unknown format");
          c.log_format = *f;
        }},
      S{"MIGRATE_ON_START",
        "migrate-on-start",
        {},
        "true",
        "true or false",
        "the api role applies pending database migrations when it starts",
        false,
        [](Config& c, std::string_view v) { c.migrate_on_start = parse_bool(v); }},
      S{"METRICS_SINK",
        "metrics-sink",
        {},
        "cloudwatch",
        "cloudwatch, emf or none",
        "where the api publishes the scaling metrics: the CloudWatch API (needs AWS_REGION and "
        "credentials), Embedded Metric Format lines on stdout, or nowhere",
        false,
        [](Config& c, std::string_view v) {
          if (v != "cloudwatch" && v != "emf" && v != "none")
            throw std::invalid_argument("unknown sink");
          c.metrics_sink = v;
        }},
      S{"METRICS_PUBLISHER",
        "metrics-publisher",
        {},
        "api",
        "api or separate",
        "api: the api role publishes the scaling metrics (default); separate: only a process "
        "with --process=publisher does",
        false,
        [](Config& c, std::string_view v) {
          if (v != "api" && v != "separate") throw std::invalid_argument("unknown placement");
          c.publisher_in_api = v == "api";
        }},
      S{"CLOUDWATCH_PUBLISH_INTERVAL_MS",
        "cloudwatch-publish-interval-ms",
        {},
        "60000",
        "milliseconds >= 1000",
        "period of the CrawlerService metrics (the scaling policy expects every minute)",
        false,
        [](Config& c, std::string_view v) { c.cloudwatch_publish_interval = parse_ms(v, 1000); }},
      S{"QUEUE_SAMPLE_INTERVAL_MS",
        "queue-sample-interval-ms",
        {},
        "5000",
        "milliseconds >= 100",
        "how often the api samples queue counts into the Prometheus gauges",
        false,
        [](Config& c, std::string_view v) { c.queue_sample_interval = parse_ms(v, 100); }},
      S{"WORKER_HEARTBEAT_INTERVAL_MS",
        "worker-heartbeat-interval-ms",
        {},
        "5000",
        "milliseconds >= 100",
        "how often a worker announces itself in Redis (listed by GET /api/workers)",
        false,
        [](Config& c, std::string_view v) { c.worker_heartbeat_interval = parse_ms(v, 100); }},
      S{"SHUTDOWN_TIMEOUT_MS",
        "shutdown-timeout-ms",
        {},
        "25000",
        "milliseconds 0-600000",
        "on SIGTERM/SIGINT, time allowed to finish in-flight work (ECS stops after 30 s)",
        false,
        [](Config& c, std::string_view v) {
          c.shutdown_timeout = std::chrono::milliseconds(parse_int(v, 0, 600000));
        }},
      aws_setting("AWS_REGION", {"AWS_DEFAULT_REGION"}, "a region, e.g. ap-northeast-2",
                  "region of the CloudWatch publisher", false,
                  [](Config& c, std::string_view v) { c.aws.region = v; }),
      aws_setting("AWS_ENDPOINT_URL_CLOUDWATCH", {"AWS_ENDPOINT_URL"}, "http(s)://host[:port]",
                  "CloudWatch endpoint (default: the region's)", false,
                  [](Config& c, std::string_view v) { c.aws.cloudwatch_endpoint = v; }),
      aws_setting("AWS_ACCESS_KEY_ID", {}, "text", "access key of the publisher's credentials",
                  false,
                  [](Config& c, std::string_view v) { c.aws.credentials.access_key_id = v; }),
      aws_setting("AWS_SECRET_ACCESS_KEY", {}, "text", "its secret key", true,
                  [](Config& c, std::string_view v) { c.aws.credentials.secret_access_key = v; }),
      aws_setting("AWS_SESSION_TOKEN", {}, "text", "its session token", true,
                  [](Config& c, std::string_view v) { c.aws.credentials.session_token = v; }),
      aws_setting(
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", {}, "a path", "ECS task role credentials",
          false,
          [](Config& c, std::string_view v) { c.aws.credentials.container_relative_uri = v; }),
      aws_setting("AWS_CONTAINER_CREDENTIALS_FULL_URI", {}, "a url",
                  "container credentials endpoint", false,
                  [](Config& c, std::string_view v) { c.aws.credentials.container_full_uri = v; }),
      aws_setting(
          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", {}, "a path",
          "file of its Authorization header", false,
          [](Config& c, std::string_view v) { c.aws.credentials.container_token_file = v; }),
      aws_setting("AWS_CONTAINER_AUTHORIZATION_TOKEN", {}, "text", "its Authorization header", true,
                  [](Config& c, std::string_view v) { c.aws.credentials.container_token = v; }),
      aws_setting("AWS_EC2_METADATA_DISABLED", {}, "true or false",
                  "do not ask the EC2 instance metadata service for credentials", false,
                  [](Config& c, std::string_view v) {
                    c.aws.credentials.ec2_metadata_disabled = parse_bool(v);
                  }),
      aws_setting(
          "AWS_EC2_METADATA_SERVICE_ENDPOINT", {}, "a url", "instance metadata endpoint", false,
          [](Config& c, std::string_view v) { c.aws.credentials.ec2_metadata_endpoint = v; }),
  };
}

}  // namespace

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = make_settings();
  return table;
}

std::optional<std::string> process_env(std::string_view name) {
  const char* v = std::getenv(std::string(name).c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::string run_config_errors(const Config& config) {
  std::string errors;
  const auto& roles = config.roles;
  const bool uses_store =
      roles.contains(Role::api) || roles.contains(Role::worker) || roles.contains(Role::scheduler);
  if (config.redis_url.empty() && !config.database_url.empty())
    errors +=
        "DATABASE_URL is set but REDIS_URL is not: set both (PostgreSQL and Redis) or neither "
        "(embedded mode: one SQLite file in DATA_DIR)\n";
  if (!config.redis_url.empty() && config.database_url.empty() && uses_store)
    errors += "REDIS_URL is set but DATABASE_URL is not: --process=" + describe(roles) +
              " needs PostgreSQL too (or unset both for embedded mode: one SQLite file in "
              "DATA_DIR)\n";
  if (!config.embedded()) return errors;
  // Embedded mode keeps the queue and the store in one process: a process that only works or
  // only schedules would have no one to share them with.
  if (!roles.contains(Role::api))
    errors += "--process=" + describe(roles) +
              " without DATABASE_URL and REDIS_URL: embedded mode keeps the queue and the store "
              "in this one process, so it must run the api role too (use --process=all), or set "
              "DATABASE_URL and REDIS_URL to run roles in separate processes\n";
  for (Role r : {Role::autoscaler, Role::publisher})
    if (roles.contains(r))
      errors += "--process=" + describe(roles) + ": the " + describe({r}) +
                " role needs Redis (REDIS_URL and DATABASE_URL); embedded mode runs api, ws, "
                "scheduler and worker in one process\n";
  return errors;
}

Config load_config(const ConfigSources& sources) {
  Config config;
  std::string errors;
  auto lookup = [&](const Setting& s) -> std::optional<std::pair<std::string, std::string>> {
    // Returns (value, where it came from) for the first non-empty source.
    if (auto it = sources.flags.find(std::string(s.name));
        !s.environment_only && it != sources.flags.end() && !it->second.empty())
      return std::pair{it->second, "--" + std::string(s.flag)};
    std::vector<std::string_view> names{s.name};
    names.insert(names.end(), s.aliases.begin(), s.aliases.end());
    for (auto n : names)
      if (auto v = sources.env ? sources.env(n) : std::nullopt; v && !v->empty())
        return std::pair{*v, std::string(n)};
    if (s.environment_only) return std::nullopt;
    for (auto n : names)
      if (auto it = sources.dotenv.find(std::string(n));
          it != sources.dotenv.end() && !it->second.empty())
        return std::pair{it->second, std::string(n) + " (.env)"};
    return std::nullopt;
  };
  for (const auto& s : settings()) {
    auto found = lookup(s);
    std::string value = found ? found->first : std::string(s.default_value);
    if (value.empty()) continue;
    try {
      s.apply(config, value);
    } catch (const std::invalid_argument& e) {
      std::string where = found ? found->second : std::string(s.name) + " (default)";
      std::string shown = s.secret ? std::string("(hidden)") : "'" + value + "'";
      errors += where + "=" + shown + ": " + e.what() + "; expected " + std::string(s.form) + "\n";
    }
  }
  try {
    scheduler::CronSchedule::parse(config.scheduler_cron, config.scheduler_tz);
  } catch (const scheduler::CronError& e) {
    errors += "SCHEDULER_CRON='" + config.scheduler_cron + "' with SCHEDULER_TZ='" +
              config.scheduler_tz + "': " + e.what() +
              "; expected 5 cron fields (or 6 with seconds) and an IANA time zone\n";
  }
  // The profile file overrides SERP_AD_URL and SERP_ORGANIC_URL, which come after it in the
  // table, so it is applied once they are all read.
  if (const auto& file = config.crawl.profile_file; !file.empty()) {
    try {
      crawl::apply_profile_file(config.crawl.profiles, file);
    } catch (const std::exception& e) {
      errors += "CRAWL_PROFILE_FILE='" + file + "': " + e.what() + "\n";
    }
  }
  if (auto& proxy = config.crawl.proxy) {
    if (proxy->host.empty() && proxy->port == 0)
      proxy.reset();  // PROXY_USER or PROXY_PASS alone: no proxy
    else if (proxy->host.empty() || proxy->port == 0)
      errors += "PROXY_HOST and PROXY_PORT must be set together\n";
  }
  if (!errors.empty()) {
    errors.pop_back();
    throw ConfigError(errors);
  }
  return config;
}

}  // namespace crawler::app

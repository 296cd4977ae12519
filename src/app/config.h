// Configuration as data: one table (settings()) names every variable the binary reads, its
// flag, default, accepted form and help. The same table drives --help, .env.example, the
// parser and the error messages, so they cannot drift apart.
//
// Precedence, highest first: command-line flag, process environment, `.env` file, default.
// An empty value counts as unset. A value that does not parse stops start-up (exit 2) with a
// message naming the variable and the accepted form; nothing falls back silently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/roles.h"
#include "core/log.h"
#include "crawl/config.h"
#include "metrics/aws_settings.h"

namespace crawler::app {

struct Config {
  std::set<Role> roles;

  std::string bind_address;
  std::uint16_t port = 3000;            // api + ws: REST, WebSocket, /metrics
  std::uint16_t scheduler_port = 3002;  // the seed's scheduler port
  std::uint16_t worker_port = 3001;     // health/metrics of a process without the api role (0: any)
  std::uint16_t autoscaler_port = 3003;
  std::string autoscaler_policy = "cloudwatch/autoscaling.json";
  std::optional<int> autoscaler_min;  // default: the policy file's MinCapacity
  std::optional<int> autoscaler_max;  // default: the policy file's MaxCapacity, at most 16 here
  std::chrono::milliseconds autoscaler_period{60000};

  // Both set: server mode (PostgreSQL + Redis). Both unset: embedded mode, everything in one
  // SQLite file under data_dir (app/backends.h). load_config() refuses one without the other.
  std::string database_url;
  int database_pool_size = 10;
  std::string redis_url;
  std::string data_dir = "./data";
  bool embedded() const { return database_url.empty() && redis_url.empty(); }
  // --demo: also serve the sample search site, allow it as a crawl target and seed keywords.
  bool demo = false;
  std::string queue_prefix = "bull";  // "{bull}" for Redis Cluster
  std::string queue_name = "crawl-jobs";

  std::vector<std::string> api_keys;      // secret; empty: the API is open (a warning is logged)
  std::vector<std::string> cors_origins;  // {"*"}: any origin

  int worker_concurrency = 1;
  std::chrono::milliseconds worker_interval{1000};

  std::string scheduler_cron;
  std::string scheduler_tz;
  std::chrono::milliseconds scheduler_interval{60000};
  std::chrono::milliseconds scheduler_lease{15000};
  std::chrono::milliseconds bulk_search_monitoring_interval{86400000};

  // CRAWL_*, SERP_*, PROXY_* (PROXY_PASS is secret: never logged) and CHROMIUM_PATH.
  crawl::CrawlConfig crawl;
  // The AWS SDKs' variables of the CloudWatch publisher: environment only (aws_settings.h).
  metrics::AwsSettings aws;

  log::Level log_level = log::Level::info;
  log::Format log_format = log::Format::json;
  std::chrono::milliseconds shutdown_timeout{25000};
  bool migrate_on_start = true;  // the api role applies pending migrations at start

  std::string metrics_sink = "cloudwatch";  // cloudwatch | emf | none
  bool publisher_in_api = true;  // METRICS_PUBLISHER=api; "separate": only the publisher role
  std::chrono::milliseconds cloudwatch_publish_interval{60000};
  std::chrono::milliseconds queue_sample_interval{5000};
  std::chrono::milliseconds worker_heartbeat_interval{5000};
};

struct Setting {
  std::string_view name;                  // environment variable, e.g. "PORT"
  std::string_view flag;                  // long flag without dashes, e.g. "port"
  std::vector<std::string_view> aliases;  // older names still accepted
  std::string_view default_value;         // as text; "" = unset
  std::string_view form;                  // the accepted form, for errors and --help
  std::string_view help;
  bool secret = false;
  // Parses `value` into the config; throws std::invalid_argument when it does not parse.
  std::function<void(Config&, std::string_view value)> apply;
  // Another program's variable (the AWS SDKs'): read from the process environment only, as
  // that program does; no flag, not in --help, not read from .env.
  bool environment_only = false;
};

const std::vector<Setting>& settings();

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ConfigSources {
  std::map<std::string, std::string> flags;  // keyed by variable name (PORT, ...)
  std::function<std::optional<std::string>(std::string_view)> env;
  std::map<std::string, std::string> dotenv;  // from the .env file
};

// Throws ConfigError listing every invalid value (one per line).
Config load_config(const ConfigSources& sources);

// What running roles (not a subcommand) additionally needs: REDIS_URL, plus DATABASE_URL for
// the roles that use the store (api, worker, scheduler); or neither (embedded mode, which must
// run the api role and neither the autoscaler nor the publisher). One line per problem; empty
// when fine. (`migrate` needs only DATABASE_URL, `queue` and `loadtest` only REDIS_URL.)
std::string run_config_errors(const Config& config);

// The process environment as a ConfigSources::env function: the one place that reads it.
std::optional<std::string> process_env(std::string_view name);

}  // namespace crawler::app

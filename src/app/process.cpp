#include "app/process.h"

#include <csignal>
#include <memory>
#include <vector>

#include "app/api_component.h"
#include "app/autoscaler_component.h"
#include "app/demo_component.h"
#include "app/health.h"
#include "app/http_component.h"
#include "app/metrics_component.h"
#include "app/migration_component.h"
#include "app/scheduler_component.h"
#include "app/worker_component.h"
#include "core/version.h"
#include "metrics/crawler_metrics.h"
#include "metrics/http_handler.h"
#include "metrics/process_metrics.h"
#include "store/postgres/connection.h"
#include "store/postgres/migrate.h"

namespace crawler::app {
namespace {

std::vector<std::unique_ptr<Component>> build_components(const Config& config, Backends& backends,
                                                         metrics::Registry& registry) {
  std::vector<std::unique_ptr<Component>> out;
  bool serves_api = config.roles.contains(Role::api) || config.roles.contains(Role::ws);
  if (serves_api) {
    std::vector<DependencyCheck> api_checks;
    // The embedded store applies its schema when it opens; PostgreSQL's runs beside.
    if (config.roles.contains(Role::api) && config.migrate_on_start && !backends.embedded()) {
      auto migrations = std::make_unique<MigrationComponent>(config.database_url);
      api_checks.push_back(migrations->check());
      out.push_back(std::move(migrations));
    }
    auto checks = backends.readiness_checks();
    checks.insert(checks.end(), api_checks.begin(), api_checks.end());
    out.push_back(make_api_component(config, backends, std::move(checks), registry));
  }
  if (config.roles.contains(Role::publisher)) {
    if (config.publisher_in_api)
      log::Logger("main").warn(
          "--process=publisher with METRICS_PUBLISHER=api: the api role publishes too");
    out.push_back(make_publisher_component(config, backends, registry));
  }
  if (config.roles.contains(Role::scheduler))
    out.push_back(make_scheduler_component(config, backends, registry));
  if (config.roles.contains(Role::autoscaler))
    out.push_back(make_autoscaler_component(config, backends, registry));
  if (config.roles.contains(Role::worker)) {
    out.push_back(make_worker_component(config, backends, registry));
    // A worker co-located with the api reports through the api's port.
    if (!serves_api)
      out.push_back(make_role_http_component(config, "worker", config.worker_port,
                                             backends.readiness_checks(), registry));
  }
  return out;
}

int wait_for_signal(const sigset_t& set) {
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

}  // namespace

int run_process(const Config& config) {
  log::Logger logger("main");
  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // only sigwait() below receives them: no async-signal-safety concerns anywhere.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<Backends> backends;
  try {
    backends = Backends::open(config);
  } catch (const std::exception& e) {
    logger.error("cannot open the data store", {{"error", std::string_view(e.what())}});
    return 1;
  }
  logger.info("starting", {{"version", crawler::version()},
                           {"commit", crawler::git_commit()},
                           {"roles", describe(config.roles)},
                           {"storage", backends->describe()}});

  // One registry per process: every role's /metrics shows the whole process.
  metrics::Registry registry;
  metrics::register_process_metrics(registry);
  metrics::CrawlerMetrics declared(registry);
  std::vector<std::unique_ptr<Component>> components;
  Config effective = config;  // --demo points the crawl at its sample site
  try {
    if (config.demo) {
      // The site is served first: its port goes into the config every other component is
      // built from.
      auto demo = start_demo(*backends);
      apply_demo_overrides(effective, demo.site);
      components.push_back(std::move(demo.component));
    }
    for (auto& c : build_components(effective, *backends, registry))
      components.push_back(std::move(c));
  } catch (const std::exception& e) {
    logger.error("start-up failed", {{"error", std::string_view(e.what())}});
    return 1;
  }
  size_t started = 0;
  try {
    for (; started < components.size(); ++started) components[started]->start();
  } catch (const std::exception& e) {
    logger.error("start-up failed", {{"component", components[started]->name()},
                                     {"error", std::string_view(e.what())}});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (started > 0) components[--started]->stop(deadline);
    return 1;
  }
  logger.info("ready to serve", {{"roles", describe(config.roles)}});

  int sig = wait_for_signal(stop_signals);
  auto deadline = std::chrono::steady_clock::now() + config.shutdown_timeout;
  logger.info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
                                {"timeout_ms", config.shutdown_timeout.count()}});
  for (auto it = components.rbegin(); it != components.rend(); ++it) (*it)->stop(deadline);
  logger.info("stopped");
  return 0;
}

int run_migrations(const Config& config) {
  log::Logger logger("migrate");
  try {
    if (config.embedded()) {  // the SQLite schema is applied when the store opens
      Backends::open(config)->store(1);
      logger.info("schema up to date", {{"storage", std::string_view(config.data_dir)}});
      return 0;
    }
    auto conn = store::postgres::Connection::connect(config.database_url, std::chrono::seconds(10));
    auto report = store::postgres::migrate(*conn, store::postgres::builtin_migrations());
    for (const auto& name : report.applied) logger.info("applied", {{"migration", name}});
    logger.info("schema up to date",
                {{"version", report.current_version},
                 {"applied", static_cast<std::int64_t>(report.applied.size())}});
    return 0;
  } catch (const std::exception& e) {
    logger.error("migration failed", {{"error", std::string_view(e.what())}});
    return 1;
  }
}

}  // namespace crawler::app

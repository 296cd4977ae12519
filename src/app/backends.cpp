#include "app/backends.h"

#include <filesystem>
#include <mutex>

#include "crawl/local_rate_limiter.h"
#include "queue/bull/bull_queue.h"
#include "queue/embedded/embedded_queue.h"
#include "redis/pool.h"
#include "redis/url.h"
#include "store/postgres/connection.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace crawler::app {
namespace {

constexpr std::chrono::milliseconds kProbeTimeout{2000};

// An object that needs a Redis pool of its own, sharing its lifetime.
template <typename T>
std::shared_ptr<T> with_pool(const Config& config, std::size_t connections,
                             std::function<std::unique_ptr<T>(redis::Pool&)> make) {
  struct Holder {
    std::unique_ptr<redis::Pool> pool;
    std::unique_ptr<T> object;
  };
  auto holder = std::make_shared<Holder>();
  holder->pool = std::make_unique<redis::Pool>(redis::PoolOptions{
      .endpoint = redis::parse_url(config.redis_url), .max_connections = connections});
  holder->object = make(*holder->pool);
  return std::shared_ptr<T>(holder, holder->object.get());
}

metrics::WorkerRegistryOptions registry_options(const Config& config) {
  return {.key_base = config.queue_prefix + ":" + config.queue_name,
          .heartbeat_interval = config.worker_heartbeat_interval};
}

class ServerBackends final : public Backends {
 public:
  explicit ServerBackends(Config config) : config_(std::move(config)) {}

  bool embedded() const override { return false; }
  std::string describe() const override {
    return "redis " + redis::parse_url(config_.redis_url).redacted() + ", postgres " +
           store::postgres::redact_url(config_.database_url);
  }
  std::shared_ptr<store::Store> store(std::size_t connections) override {
    return std::make_shared<store::postgres::PostgresStore>(std::make_shared<store::postgres::Pool>(
        store::postgres::PoolOptions{.url = config_.database_url, .size = connections}));
  }
  std::shared_ptr<queue::Queue> queue() override {
    return queue::bull::open_bull_queue({.redis_url = config_.redis_url,
                                         .prefix = config_.queue_prefix,
                                         .name = config_.queue_name});
  }
  std::shared_ptr<metrics::WorkerRegistry> worker_registry() override {
    auto options = registry_options(config_);
    return with_pool<metrics::WorkerRegistry>(config_, 2, [&](redis::Pool& pool) {
      return std::make_unique<metrics::RedisWorkerRegistry>(pool, options);
    });
  }
  std::shared_ptr<crawl::HostGate> host_gate(const crawl::RateLimiterOptions& options) override {
    auto o = options;
    o.key_prefix = config_.queue_prefix + ":crawl-rate:";
    return with_pool<crawl::HostGate>(
        config_, static_cast<std::size_t>(config_.worker_concurrency) + 1,
        [&](redis::Pool& pool) { return std::make_unique<crawl::RateLimiter>(pool, o); });
  }
  std::unique_ptr<scheduler::Coordination> scheduler_coordination(std::string holder) override {
    // The pool and the lease live and die with the coordination that uses them (bases are
    // built first, in order).
    struct PoolAndLease {
      PoolAndLease(const Config& c, const std::string& base, std::string holder_name)
          : pool(redis::PoolOptions{.endpoint = redis::parse_url(c.redis_url),
                                    .max_connections = 3}),
            lease(pool, base + "leader", std::move(holder_name), c.scheduler_lease) {}
      redis::Pool pool;
      scheduler::LeaderLease lease;
    };
    struct Owned final : PoolAndLease, scheduler::RedisCoordination {
      Owned(const Config& c, const std::string& base, std::string holder_name)
          : PoolAndLease(c, base, std::move(holder_name)),
            RedisCoordination(pool, lease, base + "last-tick") {}
    };
    const std::string base = config_.queue_prefix + ":" + config_.queue_name + ":scheduler:";
    return std::make_unique<Owned>(config_, base, std::move(holder));
  }
  std::vector<DependencyCheck> readiness_checks() override {
    return {redis_check(config_.redis_url, kProbeTimeout),
            postgres_check(config_.database_url, kProbeTimeout)};
  }

 private:
  Config config_;
};

class EmbeddedBackends final : public Backends {
 public:
  explicit EmbeddedBackends(const Config& config)
      : config_(config), file_(std::filesystem::path(config.data_dir) / "crawler.db") {
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec)
      throw std::runtime_error("DATA_DIR " + config.data_dir +
                               " cannot be created: " + ec.message());
  }

  bool embedded() const override { return true; }
  std::string describe() const override { return "embedded " + file_.string(); }
  std::shared_ptr<store::Store> store(std::size_t) override {
    std::lock_guard lock(mutex_);
    if (!store_) store_ = std::make_shared<store::sqlite::SqliteStore>(file_.string());
    return store_;
  }
  std::shared_ptr<queue::Queue> queue() override {
    std::lock_guard lock(mutex_);
    if (!queue_)
      queue_ = queue::embedded::open_embedded_queue(
          {.path = file_.string(), .name = config_.queue_name});
    return queue_;
  }
  std::shared_ptr<metrics::WorkerRegistry> worker_registry() override {
    std::lock_guard lock(mutex_);
    if (!workers_)
      workers_ = std::make_shared<metrics::LocalWorkerRegistry>(registry_options(config_));
    return workers_;
  }
  std::shared_ptr<crawl::HostGate> host_gate(const crawl::RateLimiterOptions& options) override {
    return std::make_shared<crawl::LocalRateLimiter>(options);
  }
  std::unique_ptr<scheduler::Coordination> scheduler_coordination(std::string holder) override {
    return std::make_unique<scheduler::SoloCoordination>(file_.string(), std::move(holder));
  }
  std::vector<DependencyCheck> readiness_checks() override {
    return {{"sqlite", [q = queue()]() -> std::optional<std::string> {
               try {
                 q->get_job_counts();
                 return std::nullopt;
               } catch (const std::exception& e) {
                 return std::string(e.what());
               }
             }}};
  }

 private:
  Config config_;
  std::filesystem::path file_;
  std::mutex mutex_;
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<queue::Queue> queue_;
  std::shared_ptr<metrics::WorkerRegistry> workers_;
};

}  // namespace

std::unique_ptr<Backends> Backends::open(const Config& config) {
  if (config.embedded()) return std::make_unique<EmbeddedBackends>(config);
  return std::make_unique<ServerBackends>(config);
}

}  // namespace crawler::app

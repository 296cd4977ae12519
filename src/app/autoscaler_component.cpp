#include "app/autoscaler_component.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "app/http_component.h"
#include "scaling/policy.h"

extern char** environ;

namespace crawler::app {
namespace {

struct Child {
  pid_t pid;
  std::chrono::steady_clock::time_point started;
  bool stopping = false;
};

class AutoscalerComponent : public Component {
 public:
  AutoscalerComponent(const Config& config, Backends& backends, metrics::Registry& registry)
      : logger_("autoscaler"),
        period_(config.autoscaler_period),
        concurrency_(config.worker_concurrency),
        shutdown_(config.shutdown_timeout) {
    auto policy = scaling::load_scaling_config(config.autoscaler_policy);
    policy.min_capacity = config.autoscaler_min.value_or(policy.min_capacity);
    policy.max_capacity = config.autoscaler_max.value_or(std::min(policy.max_capacity, 16));
    if (policy.min_capacity > policy.max_capacity)
      throw std::invalid_argument("AUTOSCALER_MIN is above AUTOSCALER_MAX");
    min_ = policy.min_capacity;
    max_ = policy.max_capacity;
    engine_ = std::make_unique<scaling::PolicyEngine>(std::move(policy));
    queue_ = backends.queue();
    server_ = make_role_http_component(config, "autoscaler", config.autoscaler_port,
                                       backends.readiness_checks(), registry,
                                       [this] { return health(); });
    registry.gauge_callback("crawling_autoscaler_workers", "Worker processes the autoscaler runs",
                            [this] { return static_cast<double>(workers()); });
  }

  ~AutoscalerComponent() override { stop(std::chrono::steady_clock::now()); }

  std::string_view name() const override { return "autoscaler"; }

  void start() override {
    server_->start();
    desired_ = min_;
    reconcile();
    thread_ = std::thread([this] { loop(); });
    logger_.info("scaling local workers",
                 {{"min", min_}, {"max", max_}, {"period_ms", period_.count()}});
  }

  void stop(std::chrono::steady_clock::time_point deadline) override {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    // Every child drains within its own SHUTDOWN_TIMEOUT_MS; wait for that, then kill.
    std::vector<Child> children;
    {
      std::lock_guard lock(mutex_);
      children = children_;
    }
    for (auto& c : children) ::kill(c.pid, SIGTERM);
    const auto until = std::max(deadline, std::chrono::steady_clock::now() + shutdown_);
    for (auto& c : children) {
      int status = 0;
      while (::waitpid(c.pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= until) {
          ::kill(c.pid, SIGKILL);
          ::waitpid(c.pid, &status, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    {
      std::lock_guard lock(mutex_);
      children_.clear();
    }
    server_->stop(deadline);
  }

 private:
  int workers() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(children_.begin(), children_.end(),
                                          [](const Child& c) { return !c.stopping; }));
  }

  boost::json::object health() {
    std::lock_guard lock(mutex_);
    boost::json::array pids;
    for (const auto& c : children_)
      if (!c.stopping) pids.push_back(c.pid);
    // Worker-seconds so far: what ECS would bill as task time, to compare with the simulator.
    double seconds = finished_seconds_;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& c : children_)
      seconds += std::chrono::duration<double>(now - c.started).count();
    return {{"workers", static_cast<std::int64_t>(pids.size())},
            {"workerSeconds", seconds},
            {"desired", desired_},
            {"min", min_},
            {"max", max_},
            {"pids", std::move(pids)},
            {"lastMetric", last_metric_},
            {"lastDecision", last_decision_},
            {"scalingEvents", events_}};
  }

  void loop() {
    const auto started = std::chrono::steady_clock::now();
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, period_, [&] { return stopped_; })) return;
      }
      reap();
      try {
        const auto counts = queue_->get_job_counts();
        const double slots = std::max(1, workers() * concurrency_);
        const double waiting_active = static_cast<double>(counts.waiting + counts.active);
        const auto now = std::chrono::duration_cast<scaling::Seconds>(
            std::chrono::steady_clock::now() - started);
        auto decision = engine_->on_datapoint(
            now,
            {{"QueueWaitingJobs", waiting_active},
             {"QueueBacklogPerWorker", static_cast<double>(counts.waiting) / slots}},
            desired());
        std::lock_guard lock(mutex_);
        last_metric_ = waiting_active;
        if (decision) {
          logger_.info("scaling", {{"from", desired_},
                                   {"to", decision->desired},
                                   {"policy", decision->policy},
                                   {"queue", waiting_active}});
          desired_ = decision->desired;
          last_decision_ = decision->policy + ": " + std::to_string(decision->desired);
          ++events_;
        }
      } catch (const std::exception& e) {
        logger_.warn("could not read the queue; keeping the workers as they are",
                     {{"error", std::string_view(e.what())}});
      }
      reconcile();
    }
  }

  int desired() const {
    std::lock_guard lock(mutex_);
    return desired_;
  }

  // Spawns or stops children until the live ones match desired_.
  void reconcile() {
    std::lock_guard lock(mutex_);
    int live = static_cast<int>(std::count_if(children_.begin(), children_.end(),
                                              [](const Child& c) { return !c.stopping; }));
    while (live < desired_) {
      if (auto pid = spawn_worker()) {
        children_.push_back({*pid, std::chrono::steady_clock::now()});
        ++live;
      } else {
        break;
      }
    }
    for (auto it = children_.rbegin(); it != children_.rend() && live > desired_; ++it) {
      if (it->stopping) continue;
      ::kill(it->pid, SIGTERM);  // drains: finishes or hands back its jobs
      it->stopping = true;
      --live;
    }
  }

  void reap() {
    std::lock_guard lock(mutex_);
    std::erase_if(children_, [&](const Child& c) {
      int status = 0;
      if (::waitpid(c.pid, &status, WNOHANG) != c.pid) return false;
      finished_seconds_ +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - c.started).count();
      if (!c.stopping)
        logger_.warn("a worker exited on its own; it will be replaced",
                     {{"pid", static_cast<std::int64_t>(c.pid)}});
      return true;
    });
  }

  std::optional<pid_t> spawn_worker() {
    // Same binary, same environment; its own health port (any free one), so several children
    // never compete for WORKER_PORT.
    std::vector<std::string> env_text;
    for (char** e = environ; *e; ++e)
      if (!std::string_view(*e).starts_with("WORKER_PORT=") &&
          !std::string_view(*e).starts_with("PROCESS_TYPE="))
        env_text.emplace_back(*e);
    env_text.emplace_back("WORKER_PORT=0");
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string exe = "/proc/self/exe", arg = "--process=worker";
    char* argv[] = {exe.data(), arg.data(), nullptr};
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, exe.c_str(), nullptr, &attr, argv, envp.data());
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
      logger_.error("could not start a worker", {{"error", std::string_view(std::strerror(rc))}});
      return std::nullopt;
    }
    logger_.info("worker started", {{"pid", static_cast<std::int64_t>(pid)}});
    return pid;
  }

  log::Logger logger_;
  std::chrono::milliseconds period_;
  int concurrency_;
  std::chrono::milliseconds shutdown_;
  int min_ = 0, max_ = 0;
  std::unique_ptr<scaling::PolicyEngine> engine_;
  std::shared_ptr<queue::Queue> queue_;
  std::unique_ptr<HttpComponent> server_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::vector<Child> children_;
  int desired_ = 0;
  double last_metric_ = 0;
  std::string last_decision_;
  std::int64_t events_ = 0;
  double finished_seconds_ = 0;  // lifetimes of reaped children
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Component> make_autoscaler_component(const Config& config, Backends& backends,
                                                     metrics::Registry& registry) {
  return std::make_unique<AutoscalerComponent>(config, backends, registry);
}

}  // namespace crawler::app

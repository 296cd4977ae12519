// BullQueue: producer and admin operations of the Bull backend (see bull_queue.h).
//
// Reads (counts, getJob, getState, getJobs) are plain pipelines of the commands Bull itself
// uses, one round trip each; every write is one of our scripts, so it is atomic like Bull's.
// Idempotent calls are retried once after a connection failure (the usual case is a
// connection that died with a Redis restart and is replaced on the next attempt); adding
// jobs without custom ids is not, since a lost reply may hide a successful add.
#include "queue/bull/bull_queue.h"

#include <boost/json.hpp>
#include <mutex>
#include <random>
#include <utility>

#include "core/hex.h"
#include "queue/bull/events.h"
#include "queue/bull/job_hash.h"
#include "queue/bull/opts_json.h"
#include "queue/bull/redis_link.h"
#include "queue/bull/shared.h"
#include "queue/bull/worker.h"
#include "redis/errors.h"

namespace crawler::queue::bull {

std::string random_token() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string s;
  for (int i = 0; i < 32; ++i) {
    s += hex_digit(static_cast<unsigned>(rng()));
    if (i == 7 || i == 11 || i == 15 || i == 19) s += '-';
  }
  return s;
}

namespace {

constexpr std::size_t kJobsPerAddCall = 500;

class BullQueue final : public Queue {
 public:
  explicit BullQueue(QueueSite site)
      : site_(std::move(site)), token_(random_token()), link_(site_.endpoint, site_.connection) {}

  const std::string& name() const override { return site_.keys.queue_name(); }

  std::string add(const NewJob& job) override { return add_bulk({job}).at(0); }

  std::vector<std::string> add_bulk(const std::vector<NewJob>& jobs) override {
    if (jobs.empty()) return {};
    bool all_custom = true;
    for (const auto& j : jobs)
      if (!j.opts.job_id) all_custom = false;
    const auto calls = add_calls("addJobs", add_keys(), jobs);
    return run(all_custom, [&](RedisLink& link) {
      std::vector<std::string> ids;
      for (const auto& r : run_scripts(link, calls, "addJobs"))
        for (const auto& id : r.elements()) ids.push_back(id.str());
      return ids;
    });
  }

  std::vector<AddOutcome> add_bulk_unless_pending(const std::vector<NewJob>& jobs) override {
    // Repeating is safe: a job added by a lost reply is pending, and is skipped the 2nd time.
    return add_with_outcomes("addJobsUnlessPending", "add_bulk_unless_pending", jobs, {});
  }

  std::vector<AddOutcome> add_bulk_unless_active(
      const std::vector<NewJob>& jobs, const std::vector<std::string>& inherited_fields) override {
    // Repeating is safe: a job added by a lost reply is replaced by the same job again.
    std::vector<std::string> extra = {std::to_string(inherited_fields.size())};
    extra.insert(extra.end(), inherited_fields.begin(), inherited_fields.end());
    return add_with_outcomes("addJobsUnlessActive", "add_bulk_unless_active", jobs, extra);
  }

  std::optional<Job> get_job(const std::string& id) override {
    return run(true, [&](RedisLink& link) -> std::optional<Job> {
      const auto r = link.command({"HGETALL", site_.keys.job(id)});
      if (!r.is_array() || r.elements().empty()) return std::nullopt;
      return job_from_fields(id, r.elements());
    });
  }

  std::optional<JobState> get_state(const std::string& id) override {
    const Keys& k = site_.keys;
    return run(true, [&](RedisLink& link) -> std::optional<JobState> {
      const auto r = link.pipeline({{"ZSCORE", k.completed(), id},
                                    {"ZSCORE", k.failed(), id},
                                    {"ZSCORE", k.delayed(), id},
                                    {"LPOS", k.active(), id},
                                    {"LPOS", k.wait(), id},
                                    {"LPOS", k.paused(), id},
                                    {"EXISTS", k.job(id)}});
      static constexpr JobState order[] = {JobState::completed, JobState::failed,
                                           JobState::delayed,   JobState::active,
                                           JobState::waiting,   JobState::paused};
      for (std::size_t i = 0; i < 6; ++i) {
        if (r[i].is_error()) throw Error("getState: " + r[i].str());
        if (!r[i].is_nil()) return order[i];
      }
      if (r[6].is_integer() && r[6].integer() == 1) return JobState::stuck;
      return std::nullopt;
    });
  }

  JobCounts get_job_counts() override {
    const Keys& k = site_.keys;
    return run(true, [&](RedisLink& link) {
      const auto r = link.pipeline({{"LLEN", k.wait()},
                                    {"LLEN", k.active()},
                                    {"ZCARD", k.completed()},
                                    {"ZCARD", k.failed()},
                                    {"ZCARD", k.delayed()},
                                    {"LLEN", k.paused()}});
      auto n = [&](std::size_t i) {
        if (!r[i].is_integer())
          throw Error("getJobCounts: unexpected reply " + r[i].to_debug_string());
        return r[i].integer();
      };
      return JobCounts{n(0), n(1), n(2), n(3), n(4), n(5)};
    });
  }

  std::vector<Job> get_jobs(const std::vector<JobState>& states, std::int64_t start,
                            std::int64_t end, bool asc) override {
    const Keys& k = site_.keys;
    std::vector<std::vector<std::string>> cmds;
    std::vector<bool> reverse;
    for (JobState s : states) {
      const bool is_list = s == JobState::waiting || s == JobState::active || s == JobState::paused;
      if (s == JobState::stuck) continue;
      const std::string key = s == JobState::waiting ? k.wait() : k.key(to_string(s));
      if (is_list) {
        if (asc) {
          cmds.push_back({"LRANGE", key, std::to_string(-(end + 1)), std::to_string(-(start + 1))});
        } else {
          cmds.push_back({"LRANGE", key, std::to_string(start), std::to_string(end)});
        }
        reverse.push_back(asc);
      } else {
        cmds.push_back(
            {asc ? "ZRANGE" : "ZREVRANGE", key, std::to_string(start), std::to_string(end)});
        reverse.push_back(false);
      }
    }
    if (cmds.empty()) return {};
    return run(true, [&](RedisLink& link) {
      const auto ranges = link.pipeline(cmds);
      std::vector<std::string> ids;
      for (std::size_t i = 0; i < ranges.size(); ++i) {
        if (!ranges[i].is_array()) continue;
        std::vector<std::string> part;
        for (const auto& e : ranges[i].elements()) part.push_back(e.str());
        if (reverse[i]) std::reverse(part.begin(), part.end());
        ids.insert(ids.end(), part.begin(), part.end());
      }
      std::vector<Job> jobs;
      if (ids.empty()) return jobs;
      std::vector<std::vector<std::string>> gets;
      for (const auto& id : ids) gets.push_back({"HGETALL", k.job(id)});
      const auto hashes = link.pipeline(gets);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (hashes[i].is_array() && !hashes[i].elements().empty()) {
          jobs.push_back(job_from_fields(ids[i], hashes[i].elements()));
        }
      }
      return jobs;
    });
  }

  bool remove(const std::string& id) override {
    const Keys& k = site_.keys;
    return run(true, [&](RedisLink& link) {
      const auto r = link.eval(script("removeJob"),
                               {k.active(), k.wait(), k.delayed(), k.paused(), k.completed(),
                                k.failed(), k.priority(), k.job(id), k.logs(id), k.lock(id)},
                               {id});
      return r.is_integer() && r.integer() == 1;
    });
  }

  void retry(const std::string& id) override {
    const Keys& k = site_.keys;
    run(true, [&](RedisLink& link) {
      const auto opts = link.command({"HGET", k.job(id), "opts"});
      bool lifo = false;
      if (opts.is_string()) {
        try {
          lifo = parse_opts_json(opts.str()).lifo;
        } catch (const std::invalid_argument&) {
        }
      }
      const auto r =
          link.eval(script("reprocessJob"),
                    {k.job(id), k.lock(id), k.failed(), k.wait(), k.meta_paused(), k.paused()},
                    {id, lifo ? "RPUSH" : "LPUSH", token_, std::to_string(epoch_ms())});
      switch (r.integer()) {
        case 1:
          return;
        case 0:
          throw JobNotFound("job " + id + " does not exist");
        case -1:
          throw InvalidJobState("job " + id + " is locked");
        default:
          throw InvalidJobState("job " + id + " is not failed");
      }
    });
  }

  void promote(const std::string& id) override {
    const Keys& k = site_.keys;
    run(true, [&](RedisLink& link) {
      const auto r =
          link.eval(script("promote"),
                    {k.delayed(), k.wait(), k.paused(), k.meta_paused(), k.priority(), k.job(id)},
                    {id, token_});
      if (r.integer() != 0) throw InvalidJobState("job " + id + " is not delayed");
    });
  }

  std::vector<std::string> clean(std::chrono::milliseconds grace, JobState state,
                                 std::int64_t limit) override {
    const Keys& k = site_.keys;
    if (state == JobState::stuck) throw std::invalid_argument("cannot clean state stuck");
    const bool is_list =
        state == JobState::waiting || state == JobState::active || state == JobState::paused;
    const std::string key = state == JobState::waiting ? k.wait() : k.key(to_string(state));
    return run(true, [&](RedisLink& link) {
      const auto r =
          link.eval(script("cleanJobsInSet"), {key, k.priority(), k.base()},
                    {std::to_string(epoch_ms() - grace.count()),
                     std::to_string(std::max<std::int64_t>(0, limit)), is_list ? "list" : "zset"});
      std::vector<std::string> ids;
      for (const auto& e : r.elements()) ids.push_back(e.str());
      return ids;
    });
  }

  void pause() override { set_paused(true); }
  void resume() override { set_paused(false); }

  bool is_paused() override {
    return run(true, [&](RedisLink& link) {
      const auto r = link.pipeline(
          {{"EXISTS", site_.keys.meta_paused()}, {"HEXISTS", site_.keys.meta(), "paused"}});
      return (r[0].is_integer() && r[0].integer() == 1) ||
             (r[1].is_integer() && r[1].integer() == 1);
    });
  }

  void empty() override {
    const Keys& k = site_.keys;
    run(true, [&](RedisLink& link) {
      link.eval(script("empty"),
                {k.wait(), k.paused(), k.meta_paused(), k.delayed(), k.priority(), k.limiter(),
                 k.limiter() + ":index", k.base()},
                {});
    });
  }

  void obliterate(bool force) override {
    pause();
    const Keys& k = site_.keys;
    const std::vector<std::string> keys = {k.meta_paused(),
                                           k.base(),
                                           k.active(),
                                           k.wait(),
                                           k.paused(),
                                           k.delayed(),
                                           k.completed(),
                                           k.failed(),
                                           k.priority(),
                                           k.stalled_check(),
                                           k.stalled(),
                                           k.meta(),
                                           k.id(),
                                           k.key("repeat"),
                                           k.key("metrics:completed"),
                                           k.key("metrics:completed:data"),
                                           k.key("metrics:failed"),
                                           k.key("metrics:failed:data"),
                                           k.limiter(),
                                           k.limiter() + ":index"};
    for (;;) {
      const auto code = run(true, [&](RedisLink& link) {
        return link.eval(script("obliterate"), keys, {"1000", force ? "force" : ""}).integer();
      });
      if (code == 0) return;
      if (code == -1) throw InvalidJobState("cannot obliterate a queue that is not paused");
      if (code == -2) throw InvalidJobState("cannot obliterate a queue with active jobs");
    }
  }

  std::unique_ptr<Worker> make_worker(const WorkerOptions& options, Handler handler) override {
    return make_bull_worker(site_, options, std::move(handler));
  }

  std::unique_ptr<EventStream> events() override { return make_bull_event_stream(site_); }

 private:
  std::vector<std::string> add_keys() const {
    const Keys& k = site_.keys;
    return {k.wait(), k.paused(), k.meta_paused(), k.id(), k.delayed(), k.priority(), k.base()};
  }

  // The conditional adds: every job has a custom id, the script answers 0 added, 1 replaced,
  // 2 skipped per job (KEYS of addJobsUnlessPending.lua, `extra_args` after the lifo flags).
  std::vector<AddOutcome> add_with_outcomes(const char* script_name, const char* operation,
                                            const std::vector<NewJob>& jobs,
                                            const std::vector<std::string>& extra_args) {
    for (const auto& j : jobs)
      if (!j.opts.job_id)
        throw std::invalid_argument(std::string(operation) + ": every job needs a custom id");
    if (jobs.empty()) return {};
    const Keys& k = site_.keys;
    auto keys = add_keys();
    keys.insert(keys.end(), {k.active(), k.completed(), k.failed()});
    const auto calls = add_calls(script_name, keys, jobs, extra_args);
    return run(true, [&](RedisLink& link) {
      std::vector<AddOutcome> out;
      for (const auto& r : run_scripts(link, calls, script_name))
        for (const auto& code : r.elements()) {
          const auto c = code.integer();
          out.push_back(c == 0   ? AddOutcome::added
                        : c == 1 ? AddOutcome::replaced
                                 : AddOutcome::skipped);
        }
      return out;
    });
  }

  // The EVALSHA commands adding `jobs` with an add script (ARGV layout of addJobs.lua, then
  // `extra_args`), at most kJobsPerAddCall jobs per call, so one call never blocks Redis for
  // long.
  std::vector<std::vector<std::string>> add_calls(
      const char* script_name, const std::vector<std::string>& keys,
      const std::vector<NewJob>& jobs, const std::vector<std::string>& extra_args = {}) const {
    const std::int64_t now = epoch_ms();
    std::vector<std::vector<std::string>> calls;
    for (std::size_t first = 0; first < jobs.size(); first += kJobsPerAddCall) {
      const std::size_t n = std::min(kJobsPerAddCall, jobs.size() - first);
      std::vector<std::string> args = {token_, std::to_string(n)};
      std::string lifo;
      for (std::size_t i = first; i < first + n; ++i) {
        const NewJob& j = jobs[i];
        validate_job_data(j.data);
        const std::int64_t ts = j.opts.timestamp.value_or(now);
        const std::int64_t delay = std::max<std::int64_t>(0, j.opts.delay.count());
        if (j.opts.job_id && j.opts.job_id->empty()) {
          throw std::invalid_argument("custom job id is empty");
        }
        args.push_back(j.opts.job_id.value_or(""));
        args.push_back(j.name);
        args.push_back(j.data);
        args.push_back(to_opts_json(j.opts, ts));
        args.push_back(std::to_string(ts));
        args.push_back(std::to_string(delay));
        args.push_back(std::to_string(j.opts.priority));
        lifo += j.opts.lifo ? '1' : '0';
      }
      args.push_back(lifo);
      args.insert(args.end(), extra_args.begin(), extra_args.end());
      calls.push_back(redis::evalsha_command(script(script_name), keys, args));
    }
    return calls;
  }

  // Sends the calls in one pipeline (scripts Redis lost are loaded and their calls sent
  // again: see redis::pipeline_script).
  static std::vector<redis::Reply> run_scripts(RedisLink& link,
                                               const std::vector<std::vector<std::string>>& calls,
                                               const char* script_name) {
    const auto replies = link.eval_pipeline(script(script_name), calls);
    for (const auto& r : replies) {
      if (!r.is_error()) continue;
      // A full Redis refuses writes (maxmemory with noeviction, as a queue's Redis must be
      // configured): retryable once jobs are cleaned or memory added, not a bug.
      if (r.str().starts_with("OOM"))
        throw BackendUnavailable("Redis is out of memory (maxmemory reached), no job was added: " +
                                 r.str());
      throw Error(std::string("queue script ") + script_name + " failed: " + r.str());
    }
    return replies;
  }

  void set_paused(bool paused) {
    const Keys& k = site_.keys;
    run(true, [&](RedisLink& link) {
      link.eval(script("pause"),
                {paused ? k.wait() : k.paused(), paused ? k.paused() : k.wait(), k.meta_paused(),
                 k.key(paused ? "paused" : "resumed"), k.meta()},
                {paused ? "paused" : "resumed"});
    });
  }

  // Runs f under the mutex, translating Redis failures into queue::BackendUnavailable.
  template <class F>
  auto run(bool idempotent, F&& f) -> decltype(f(std::declval<RedisLink&>())) {
    std::lock_guard lock(mutex_);
    for (int attempt = 0;; ++attempt) {
      try {
        return f(link_);
      } catch (const redis::IoError& e) {
        if (!idempotent || attempt >= 1) {
          throw BackendUnavailable(std::string("Redis unavailable: ") + e.what());
        }
      } catch (const redis::Error& e) {
        throw BackendUnavailable(std::string("Redis error: ") + e.what());
      }
    }
  }

  QueueSite site_;
  std::string token_;
  std::mutex mutex_;
  RedisLink link_;
};

}  // namespace

std::unique_ptr<Queue> open_bull_queue(const BullOptions& options) {
  QueueSite site{redis::parse_url(options.redis_url), options.connection,
                 Keys(options.prefix, options.name)};
  return std::make_unique<BullQueue>(std::move(site));
}

}  // namespace crawler::queue::bull

#include "scaling/simulator.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <queue>
#include <random>
#include <sstream>

namespace crawler::scaling {
namespace {

constexpr std::int64_t kDay = 86400;

struct Job {
  std::int64_t arrived = 0;
  int attempt = 1;
};

struct Running {
  std::int64_t finish = 0;
  Job job;
  bool operator>(const Running& o) const { return finish > o.finish; }
};

double rate_at(const Scenario& s, std::int64_t t) {
  const double hour = static_cast<double>(t % kDay) / 3600.0;
  for (const auto& p : s.phases)
    if (hour >= p.start_hour && hour < p.end_hour) return p.jobs_per_minute;
  return s.base_jobs_per_minute;
}

int assumed_tasks(const Scenario& s, std::int64_t t) {
  const double hour = static_cast<double>(t % kDay) / 3600.0;
  for (const auto& p : s.assumed_fleet)
    if (hour >= p.start_hour && hour < p.end_hour) return p.tasks;
  return 0;
}

// `policy` null: the scenario's assumed fleet decides (at every metric datapoint).
SimulationResult run(const ScalingConfig* policy, const Scenario& scenario, const FleetModel& fleet,
                     std::uint64_t random_seed) {
  if (scenario.days < 1) throw PolicyError("scenario " + scenario.name + ": days must be >= 1");
  const std::int64_t step_ms = fleet.step.count();
  if (step_ms < 1 || 1000 % step_ms != 0)
    throw PolicyError("fleet model: the step must divide one second (e.g. 1000, 100, 10 ms)");
  const std::int64_t tps = 1000 / step_ms;  // ticks per second
  if (fleet.service_seconds_mean <= 0 || fleet.task_concurrency < 1 || fleet.attempts < 1)
    throw PolicyError("fleet model: service time, task concurrency and attempts must be > 0");
  std::mt19937_64 rng(random_seed);
  const double sigma2 = std::log(1 + fleet.service_seconds_cv * fleet.service_seconds_cv);
  std::lognormal_distribution<double> service(std::log(fleet.service_seconds_mean) - sigma2 / 2,
                                              std::sqrt(sigma2));
  std::uniform_real_distribution<double> uniform(0, 1);
  const double failure_rate = scenario.failure_rate.value_or(fleet.failure_rate);

  std::optional<PolicyEngine> engine;
  if (policy) engine.emplace(*policy);
  SimulationResult result;
  result.scenario = scenario;
  Summary& sum = result.summary;

  std::deque<Job> waiting;
  std::multimap<std::int64_t, Job> delayed;
  std::priority_queue<Running, std::vector<Running>, std::greater<>> running;
  std::vector<std::int64_t> tasks;  // when each task can take jobs
  int desired = 0;
  std::vector<float> waits;
  double wait_total = 0;
  std::int64_t task_ticks = 0;
  const int base_slots = fleet.base_workers * fleet.base_concurrency;
  const std::int64_t period = std::max<std::int64_t>(1, fleet.metric_period.count()) * tps;
  const std::int64_t end =
      (scenario.duration_seconds > 0 ? scenario.duration_seconds : kDay * scenario.days) * tps;
  const std::int64_t burst_tick = scenario.burst_at.count() / step_ms;

  // Time is counted in ticks of `fleet.step`; every duration below is converted to ticks.
  for (std::int64_t t = 0; t < end; ++t) {
    if (t == burst_tick)
      for (std::int64_t i = 0; i < scenario.burst_jobs; ++i) waiting.push_back({t, 1});
    const double rate = rate_at(scenario, t / tps) / 60.0 / static_cast<double>(tps);
    if (rate > 0) {
      std::poisson_distribution<int> arrivals(rate);
      for (int n = arrivals(rng); n > 0; --n) waiting.push_back({t, 1});
    }
    while (!delayed.empty() && delayed.begin()->first <= t) {
      waiting.push_back(delayed.begin()->second);
      delayed.erase(delayed.begin());
    }
    while (!running.empty() && running.top().finish <= t) {
      Job job = running.top().job;
      running.pop();
      if (failure_rate > 0 && uniform(rng) < failure_rate) {
        ++sum.tries_failed;
        if (job.attempt < fleet.attempts) {
          const auto backoff = fleet.retry_backoff.count() * tps * (1LL << (job.attempt - 1));
          ++job.attempt;
          delayed.emplace(t + backoff, job);
        } else {
          ++sum.jobs_failed;
        }
      } else {
        ++sum.jobs_done;
      }
    }
    int ready = 0;
    for (auto at : tasks)
      if (at <= t) ++ready;
    const auto capacity = static_cast<std::size_t>(base_slots + ready * fleet.task_concurrency);
    while (running.size() < capacity && !waiting.empty()) {
      Job job = waiting.front();
      waiting.pop_front();
      if (job.attempt == 1) {
        const auto w = static_cast<float>(t - job.arrived) / static_cast<float>(tps);
        waits.push_back(w);
        wait_total += w;
      }
      const auto ticks = std::max<std::int64_t>(1, std::llround(service(rng) * tps));
      running.push({t + ticks, job});
    }
    task_ticks += static_cast<std::int64_t>(tasks.size());

    if ((t + 1) % period == 0) {
      const auto w = static_cast<std::int64_t>(waiting.size());
      const auto a = static_cast<std::int64_t>(running.size());
      const double queue_metric = static_cast<double>(w + a);
      const double backlog = static_cast<double>(w) / std::max<double>(1, capacity);
      std::optional<Decision> d;
      if (engine) {
        d = engine->on_datapoint(
            Seconds((t + 1) / tps),
            {{"QueueWaitingJobs", queue_metric}, {"QueueBacklogPerWorker", backlog}}, desired);
      } else if (const int want = assumed_tasks(scenario, (t + 1) / tps); want != desired) {
        d = Decision{want, "assumed"};
      }
      if (d) {
        ++sum.scaling_events;
        if (d->desired > desired) {
          for (int i = desired; i < d->desired; ++i)
            tasks.push_back(t + 1 + fleet.task_startup.count() * tps);
        } else {
          // Scale-in stops the newest tasks first (those still starting cost nothing more).
          std::sort(tasks.begin(), tasks.end());
          tasks.resize(static_cast<std::size_t>(d->desired));
        }
        desired = d->desired;
      }
      sum.peak_tasks = std::max(sum.peak_tasks, static_cast<int>(tasks.size()));
      if ((t + 1) % (60 * tps) == 0)
        result.minutes.push_back({(t + 1) / (60 * tps), w, a,
                                  static_cast<std::int64_t>(delayed.size()),
                                  static_cast<int>(tasks.size()), desired, queue_metric});
    }
  }
  sum.jobs_arrived = sum.jobs_done + sum.jobs_failed + static_cast<std::int64_t>(waiting.size()) +
                     static_cast<std::int64_t>(running.size()) +
                     static_cast<std::int64_t>(delayed.size());
  sum.task_hours = static_cast<double>(task_ticks) / static_cast<double>(tps) / 3600.0;
  if (!waits.empty()) {
    std::sort(waits.begin(), waits.end());
    sum.max_wait_seconds = waits.back();
    sum.p95_wait_seconds =
        waits[static_cast<std::size_t>(0.95 * static_cast<double>(waits.size() - 1))];
    sum.mean_wait_seconds = wait_total / static_cast<double>(waits.size());
  }
  return result;
}

}  // namespace

SimulationResult simulate(const ScalingConfig& policy, const Scenario& scenario,
                          const FleetModel& fleet, std::uint64_t random_seed) {
  return run(&policy, scenario, fleet, random_seed);
}

SimulationResult simulate_assumed(const Scenario& scenario, const FleetModel& fleet,
                                  std::uint64_t random_seed) {
  return run(nullptr, scenario, fleet, random_seed);
}

MonthlyCost monthly_cost(const SimulationResult& result, const Pricing& pricing) {
  MonthlyCost c;
  const double days = result.scenario.duration_seconds > 0
                          ? static_cast<double>(result.scenario.duration_seconds) / kDay
                          : std::max(1, result.scenario.days);
  c.task_hours = result.summary.task_hours * pricing.days_per_month / days;
  const double per_task_hour = pricing.task_hour > 0 ? pricing.task_hour
                                                     : pricing.task_vcpu * pricing.vcpu_hour +
                                                           pricing.task_gb * pricing.gb_hour;
  c.fargate = c.task_hours * per_task_hour;
  c.fixed = pricing.fixed_month;
  c.total = c.fargate + c.fixed;
  return c;
}

std::vector<Scenario> seed_scenarios() {
  // Calibrated against the deployment design's cost table (docs/scaling.md): with 6 s crawls a
  // task's 4 slots serve ~40 jobs a minute and the EC2 base workers another ~40. Arrival rates put
  // the design's assumed fleets just at their limit, so the queue sits where the design says: 5
  // tasks + the base = 24 slots ≈ 240 jobs/min; 25 tasks + base ≈ 1,040.
  return {
      Scenario{"quiet", "the queue stays under 20: the base workers keep up", 20, {}, 1, {}, {}},
      Scenario{"medium",
               "the queue at 50-100 about 4 hours a day (seed: 5 tasks x 4 h)",
               20,
               {{10, 14, 238}},
               1,
               {},
               {{10, 14, 5}}},
      Scenario{"heavy",
               "the queue at 500+ about 8 hours a day (seed: 25 tasks x 8 h)",
               20,
               {{9, 17, 1040}},
               1,
               {},
               {{9, 17, 25}}},
      Scenario{"failing",
               "failure scenario 2: the medium load with half the tries failing (retries grow "
               "the queue and the fleet)",
               20,
               {{10, 14, 238}},
               1,
               0.5,
               {{10, 14, 5}}},
  };
}

Scenario builtin_scenario(const std::string& name) {
  for (auto& s : seed_scenarios())
    if (s.name == name) return s;
  throw PolicyError("unknown scenario '" + name + "' (quiet, medium, heavy, failing, seed)");
}

Scenario load_scenario_csv(const std::string& name, const std::string& text) {
  Scenario s;
  s.name = name;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    auto num = [&](const std::string& v) {
      try {
        std::size_t used = 0;
        double d = std::stod(v, &used);
        if (used != v.size() || d < 0) throw std::invalid_argument(v);
        return d;
      } catch (const std::exception&) {
        throw PolicyError("load file line " + std::to_string(number) + ": '" + v +
                          "' is not a number >= 0");
      }
    };
    if (cells.size() == 2 && cells[0] == "base") {
      s.base_jobs_per_minute = num(cells[1]);
      continue;
    }
    if (cells.size() == 3 && cells[0] == "start_hour") continue;  // header
    if (cells.size() != 3)
      throw PolicyError("load file line " + std::to_string(number) +
                        ": expected start_hour,end_hour,jobs_per_minute");
    LoadPhase p{num(cells[0]), num(cells[1]), num(cells[2])};
    if (p.start_hour >= p.end_hour || p.end_hour > 24)
      throw PolicyError("load file line " + std::to_string(number) +
                        ": need 0 <= start_hour < end_hour <= 24");
    s.phases.push_back(p);
  }
  return s;
}

std::string to_csv(const SimulationResult& result) {
  std::ostringstream out;
  out << "minute,waiting,active,delayed,queue_waiting_jobs,tasks,desired\n";
  for (const auto& m : result.minutes)
    out << m.minute << ',' << m.waiting << ',' << m.active << ',' << m.delayed << ',' << m.metric
        << ',' << m.tasks << ',' << m.desired << '\n';
  return out.str();
}

std::string to_svg(const SimulationResult& result) {
  const double width = 960, height = 320, left = 60, right = 60, top = 30, bottom = 40;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  double max_queue = 20, max_tasks = 5;
  for (const auto& m : result.minutes) {
    max_queue = std::max(max_queue, m.metric);
    max_tasks = std::max(max_tasks, static_cast<double>(m.tasks));
  }
  const double n = std::max<double>(1, static_cast<double>(result.minutes.size()));
  std::ostringstream svg;
  svg.setf(std::ios::fixed);
  svg.precision(1);
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << left << "\" y=\"18\">" << result.scenario.name
      << ": queue (waiting + active, blue, left axis) and Fargate tasks (orange, right "
         "axis) over "
      << result.scenario.days * 24 << " h</text>\n";
  auto polyline = [&](auto value, double max, const char* color) {
    svg << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.5\" points=\"";
    // At most ~480 points: each the largest value of its bucket, so peaks stay visible.
    const std::size_t step = std::max<std::size_t>(1, result.minutes.size() / 480);
    for (std::size_t i = 0; i < result.minutes.size(); i += step) {
      double v = 0;
      for (std::size_t j = i; j < std::min(i + step, result.minutes.size()); ++j)
        v = std::max(v, value(result.minutes[j]));
      const double x = left + plot_w * static_cast<double>(i) / n;
      svg << x << ',' << top + plot_h * (1 - v / max) << ' ';
    }
    svg << "\"/>\n";
  };
  polyline([](const MinuteSample& m) { return m.metric; }, max_queue, "#1f77b4");
  polyline([](const MinuteSample& m) { return static_cast<double>(m.tasks); }, max_tasks,
           "#ff7f0e");
  svg << "<line x1=\"" << left << "\" y1=\"" << top + plot_h << "\" x2=\"" << left + plot_w
      << "\" y2=\"" << top + plot_h << "\" stroke=\"black\"/>\n";
  svg << "<text x=\"5\" y=\"" << top + 10 << "\">" << max_queue << "</text>\n";
  svg << "<text x=\"" << left + plot_w + 5 << "\" y=\"" << top + 10 << "\">" << max_tasks
      << "</text>\n";
  for (int h = 0; h <= result.scenario.days * 24; h += 6)
    svg << "<text x=\"" << left + plot_w * h / (result.scenario.days * 24.0) - 8 << "\" y=\""
        << height - 15 << "\">" << h << "h</text>\n";
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace crawler::scaling

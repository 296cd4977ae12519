// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
// text exposition format 0.0.4.
//
//   metrics::Registry registry;
//   auto& done = registry.counter("crawling_jobs_completed_total", "Jobs finished",
//                                 {"status", "method"});
//   metrics::Counter ok = done.labels({"completed", "http"});  // lookup once...
//   ok.inc();                                                   // ...then one atomic add
//
// Design:
//   - Hot path = one atomic operation. A family maps label values to a cell under a mutex;
//     labels() does that lookup once and returns a handle (a pointer to the cell). Cells are
//     never removed or moved, so a handle stays valid as long as the Registry lives. Code
//     that counts per job keeps its handles, and only code that discovers label values at
//     run time pays for a lookup (a mutex and a map search).
//   - Values are std::atomic<double> (C++20 fetch_add): counters of bytes and seconds are
//     not integers, and a double counts integers exactly up to 2^53.
//   - A scrape reads each atomic independently: a histogram's buckets, sum and count may be
//     one observation apart. Prometheus tolerates that, and a consistent snapshot would need
//     a lock on the hot path.
//   - Callback metrics (gauge_callback / counter_callback) are read at scrape time: process
//     metrics from /proc, the worker registry's counts. They run on the scraping thread, so
//     they must be quick and must not throw (a throwing callback's series is omitted).
//   - Naming conventions are enforced at registration (std::invalid_argument): valid
//     metric/label names, counters end in `_total`, no reserved labels (`le`, `__*`).
//     Registering the same name twice with the same type and labels returns the existing
//     family, so roles sharing a process can declare the same series independently;
//     anything else with a taken name throws.
//   - Output order is registration order, and series sorted by label values, so the text is
//     stable for tests and diffs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace crawler::metrics {

enum class Type { counter, gauge, histogram };
std::string_view to_string(Type t);

namespace detail {
struct ScalarCell {
  std::atomic<double> value{0.0};
};
struct HistogramCell {
  explicit HistogramCell(std::size_t buckets) : counts(buckets + 1) {}
  std::vector<std::atomic<std::uint64_t>> counts;  // per bucket, not cumulative; last: +Inf
  std::atomic<double> sum{0.0};
  std::atomic<std::uint64_t> count{0};
};
}  // namespace detail

// Handles: cheap to copy, valid while the Registry lives. A default-constructed handle is
// inert (its operations do nothing) so members can be declared before they are bound.
class Counter {
 public:
  Counter() = default;
  // Negative increments are ignored: a counter only goes up.
  void inc(double by = 1.0) const;
  double value() const;

 private:
  friend class CounterFamily;
  explicit Counter(detail::ScalarCell* cell) : cell_(cell) {}
  detail::ScalarCell* cell_ = nullptr;
};

class Gauge {
 public:
  Gauge() = default;
  void set(double v) const;
  void inc(double by = 1.0) const;
  void dec(double by = 1.0) const { inc(-by); }
  double value() const;

 private:
  friend class GaugeFamily;
  explicit Gauge(detail::ScalarCell* cell) : cell_(cell) {}
  detail::ScalarCell* cell_ = nullptr;
};

class Histogram {
 public:
  Histogram() = default;
  void observe(double v) const;
  std::uint64_t count() const;
  double sum() const;

 private:
  friend class HistogramFamily;
  Histogram(detail::HistogramCell* cell, const std::vector<double>* bounds)
      : cell_(cell), bounds_(bounds) {}
  detail::HistogramCell* cell_ = nullptr;
  const std::vector<double>* bounds_ = nullptr;
};

using LabelValues = std::vector<std::string>;

// What all families share: name, help, label names, and rendering.
class Family {
 public:
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  Type type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // Appends this family's HELP, TYPE and sample lines.
  virtual void render(std::string& out) const = 0;

 protected:
  Family(std::string name, std::string help, Type type, std::vector<std::string> label_names);
  // Throws std::invalid_argument unless there is one value per label name.
  void check_arity(const LabelValues& values) const;
  void render_header(std::string& out) const;

  std::string name_;
  std::string help_;
  Type type_;
  std::vector<std::string> label_names_;
};

// Counters and gauges keep one number per label set: the cells and their rendering are shared.
class ScalarFamily : public Family {
 public:
  void render(std::string& out) const override;

 protected:
  ScalarFamily(std::string name, std::string help, Type type, std::vector<std::string> label_names);
  // The cell for these label values, created at 0 on first use. Throws std::invalid_argument
  // for the wrong number of values.
  detail::ScalarCell* cell(const LabelValues& values);

 private:
  mutable std::mutex mutex_;
  std::map<LabelValues, std::unique_ptr<detail::ScalarCell>> cells_;
};

class CounterFamily final : public ScalarFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);
  // The series for these label values (created at 0 on first use). Throws
  // std::invalid_argument for the wrong number of values.
  Counter labels(const LabelValues& values) { return Counter(cell(values)); }
  Counter labels(std::initializer_list<std::string_view> values);
};

class GaugeFamily final : public ScalarFamily {
 public:
  GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names);
  Gauge labels(const LabelValues& values) { return Gauge(cell(values)); }
  Gauge labels(std::initializer_list<std::string_view> values);
};

class HistogramFamily final : public Family {
 public:
  // `bounds`: the finite upper bounds, strictly increasing (+Inf is implicit). Throws
  // std::invalid_argument otherwise.
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);
  Histogram labels(const LabelValues& values);
  Histogram labels(std::initializer_list<std::string_view> values);
  const std::vector<double>& bounds() const { return bounds_; }
  void render(std::string& out) const override;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<LabelValues, std::unique_ptr<detail::HistogramCell>> cells_;
};

// One unlabelled value computed at scrape time.
class CallbackFamily final : public Family {
 public:
  CallbackFamily(std::string name, std::string help, Type type, std::function<double()> read);
  void render(std::string& out) const override;

 private:
  std::function<double()> read_;
};

// Bucket helpers: {start, start*factor, ...} (count values) and {start, start+width, ...}.
std::vector<double> exponential_buckets(double start, double factor, int count);
std::vector<double> linear_buckets(double start, double width, int count);
// Prometheus client libraries' default latency buckets (seconds).
std::vector<double> default_buckets();

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Families live as long as the Registry; the references stay valid. See the top comment
  // for the naming rules and re-registration.
  CounterFamily& counter(std::string_view name, std::string_view help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(std::string_view name, std::string_view help,
                     std::vector<std::string> label_names = {});
  HistogramFamily& histogram(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names, std::vector<double> bounds);
  void gauge_callback(std::string_view name, std::string_view help, std::function<double()> read);
  void counter_callback(std::string_view name, std::string_view help, std::function<double()> read);

  // The whole registry in the text format 0.0.4 (ends with a newline unless empty).
  std::string render() const;

 private:
  template <class F, class Make>
  F& add(std::string_view name, Type type, const std::vector<std::string>& label_names, Make make);
  void add_callback(std::string_view name, std::string_view help, Type type,
                    std::function<double()> read);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
};

// The Content-Type of render()'s output.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace crawler::metrics

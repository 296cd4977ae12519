#include "metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "metrics/text_format.h"

namespace crawler::metrics {
namespace {

void atomic_add(std::atomic<double>& cell, double by) {
  cell.fetch_add(by, std::memory_order_relaxed);
}

LabelValues to_values(std::initializer_list<std::string_view> values) {
  return LabelValues(values.begin(), values.end());
}

// `name{labels...[,extra]} value\n`
void sample_line(std::string& out, std::string_view name, const std::vector<std::string>& names,
                 const LabelValues& values, double value,
                 std::pair<std::string_view, std::string_view> extra = {}) {
  std::vector<std::pair<std::string_view, std::string_view>> labels;
  labels.reserve(names.size() + 1);
  for (std::size_t i = 0; i < names.size(); ++i) labels.emplace_back(names[i], values[i]);
  if (!extra.first.empty()) labels.push_back(extra);
  out += name;
  out += format_labels(labels);
  out += ' ';
  out += format_value(value);
  out += '\n';
}

}  // namespace

std::string_view to_string(Type t) {
  switch (t) {
    case Type::counter:
      return "counter";
    case Type::gauge:
      return "gauge";
    case Type::histogram:
      return "histogram";
  }
  return "untyped";
}

void Counter::inc(double by) const {
  if (cell_ && by > 0) atomic_add(cell_->value, by);
}
double Counter::value() const { return cell_ ? cell_->value.load(std::memory_order_relaxed) : 0.0; }

void Gauge::set(double v) const {
  if (cell_) cell_->value.store(v, std::memory_order_relaxed);
}
void Gauge::inc(double by) const {
  if (cell_) atomic_add(cell_->value, by);
}
double Gauge::value() const { return cell_ ? cell_->value.load(std::memory_order_relaxed) : 0.0; }

void Histogram::observe(double v) const {
  if (!cell_) return;
  // Linear search: bucket lists are short (≈10), and this beats a binary search's branches.
  std::size_t i = 0;
  while (i < bounds_->size() && v > (*bounds_)[i]) ++i;
  cell_->counts[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(cell_->sum, v);
  cell_->count.fetch_add(1, std::memory_order_relaxed);
}
std::uint64_t Histogram::count() const {
  return cell_ ? cell_->count.load(std::memory_order_relaxed) : 0;
}
double Histogram::sum() const { return cell_ ? cell_->sum.load(std::memory_order_relaxed) : 0.0; }

Family::Family(std::string name, std::string help, Type type, std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)) {
  if (!valid_metric_name(name_)) throw std::invalid_argument("invalid metric name: " + name_);
  if (type_ == Type::counter && !name_.ends_with("_total"))
    throw std::invalid_argument("a counter's name must end in _total: " + name_);
  for (std::size_t i = 0; i < label_names_.size(); ++i) {
    const auto& l = label_names_[i];
    if (!valid_label_name(l))
      throw std::invalid_argument("invalid label name '" + l + "' in " + name_);
    if (type_ == Type::histogram && l == "le")
      throw std::invalid_argument("'le' is reserved in histogram " + name_);
    if (std::find(label_names_.begin(), label_names_.begin() + static_cast<std::ptrdiff_t>(i), l) !=
        label_names_.begin() + static_cast<std::ptrdiff_t>(i))
      throw std::invalid_argument("duplicate label name '" + l + "' in " + name_);
  }
}

void Family::check_arity(const LabelValues& values) const {
  if (values.size() != label_names_.size())
    throw std::invalid_argument(name_ + " takes " + std::to_string(label_names_.size()) +
                                " label values, got " + std::to_string(values.size()));
}

void Family::render_header(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  out += escape_help(help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += to_string(type_);
  out += '\n';
}

ScalarFamily::ScalarFamily(std::string name, std::string help, Type type,
                           std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), type, std::move(label_names)) {
  // An unlabelled series exists (at 0) from the start: absent vs 0 matters to rate().
  if (label_names_.empty()) cell(LabelValues{});
}

detail::ScalarCell* ScalarFamily::cell(const LabelValues& values) {
  check_arity(values);
  std::lock_guard lock(mutex_);
  auto& cell = cells_[values];
  if (!cell) cell = std::make_unique<detail::ScalarCell>();
  return cell.get();
}

void ScalarFamily::render(std::string& out) const {
  render_header(out);
  std::lock_guard lock(mutex_);
  for (const auto& [values, cell] : cells_)
    sample_line(out, name_, label_names_, values, cell->value.load(std::memory_order_relaxed));
}

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : ScalarFamily(std::move(name), std::move(help), Type::counter, std::move(label_names)) {}
Counter CounterFamily::labels(std::initializer_list<std::string_view> values) {
  return labels(to_values(values));
}

GaugeFamily::GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : ScalarFamily(std::move(name), std::move(help), Type::gauge, std::move(label_names)) {}
Gauge GaugeFamily::labels(std::initializer_list<std::string_view> values) {
  return labels(to_values(values));
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds)
    : Family(std::move(name), std::move(help), Type::histogram, std::move(label_names)),
      bounds_(std::move(bounds)) {
  if (bounds_.empty()) throw std::invalid_argument("histogram " + name_ + " needs buckets");
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1]))
      throw std::invalid_argument("histogram " + name_ +
                                  ": bounds must be finite and strictly increasing");
  }
  if (label_names_.empty()) labels(LabelValues{});
}
Histogram HistogramFamily::labels(const LabelValues& values) {
  check_arity(values);
  std::lock_guard lock(mutex_);
  auto& cell = cells_[values];
  if (!cell) cell = std::make_unique<detail::HistogramCell>(bounds_.size());
  return Histogram(cell.get(), &bounds_);
}
Histogram HistogramFamily::labels(std::initializer_list<std::string_view> values) {
  return labels(to_values(values));
}
void HistogramFamily::render(std::string& out) const {
  render_header(out);
  const std::string bucket = name_ + "_bucket";
  const std::string sum = name_ + "_sum";
  const std::string count = name_ + "_count";
  std::lock_guard lock(mutex_);
  for (const auto& [values, cell] : cells_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += cell->counts[i].load(std::memory_order_relaxed);
      const std::string le = i < bounds_.size() ? format_value(bounds_[i]) : "+Inf";
      sample_line(out, bucket, label_names_, values, static_cast<double>(cumulative), {"le", le});
    }
    sample_line(out, sum, label_names_, values, cell->sum.load(std::memory_order_relaxed));
    // The count is the +Inf bucket, so the two never disagree within one scrape.
    sample_line(out, count, label_names_, values, static_cast<double>(cumulative));
  }
}

CallbackFamily::CallbackFamily(std::string name, std::string help, Type type,
                               std::function<double()> read)
    : Family(std::move(name), std::move(help), type, {}), read_(std::move(read)) {
  if (type == Type::histogram) throw std::invalid_argument("a callback cannot be a histogram");
}
void CallbackFamily::render(std::string& out) const {
  double v = 0;
  try {
    v = read_();
  } catch (...) {
    return;  // no header either: a family without samples would only confuse readers
  }
  render_header(out);
  sample_line(out, name_, {}, {}, v);
}

std::vector<double> exponential_buckets(double start, double factor, int count) {
  if (start <= 0 || factor <= 1 || count < 1)
    throw std::invalid_argument("exponential_buckets: start > 0, factor > 1, count >= 1");
  std::vector<double> out;
  for (int i = 0; i < count; ++i, start *= factor) out.push_back(start);
  return out;
}

std::vector<double> linear_buckets(double start, double width, int count) {
  if (width <= 0 || count < 1) throw std::invalid_argument("linear_buckets: width > 0, count >= 1");
  std::vector<double> out;
  for (int i = 0; i < count; ++i) out.push_back(start + width * i);
  return out;
}

std::vector<double> default_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <class F, class Make>
F& Registry::add(std::string_view name, Type type, const std::vector<std::string>& label_names,
                 Make make) {
  std::lock_guard lock(mutex_);
  for (const auto& f : families_) {
    if (f->name() != name) continue;
    auto* same = dynamic_cast<F*>(f.get());
    if (same && f->type() == type && f->label_names() == label_names) return *same;
    throw std::invalid_argument("metric " + std::string(name) +
                                " is already registered with another type or labels");
  }
  auto family = make();
  F& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

CounterFamily& Registry::counter(std::string_view name, std::string_view help,
                                 std::vector<std::string> label_names) {
  return add<CounterFamily>(name, Type::counter, label_names, [&] {
    return std::make_unique<CounterFamily>(std::string(name), std::string(help), label_names);
  });
}

GaugeFamily& Registry::gauge(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names) {
  return add<GaugeFamily>(name, Type::gauge, label_names, [&] {
    return std::make_unique<GaugeFamily>(std::string(name), std::string(help), label_names);
  });
}

HistogramFamily& Registry::histogram(std::string_view name, std::string_view help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> bounds) {
  auto& f = add<HistogramFamily>(name, Type::histogram, label_names, [&] {
    return std::make_unique<HistogramFamily>(std::string(name), std::string(help), label_names,
                                             bounds);
  });
  if (f.bounds() != bounds)
    throw std::invalid_argument("histogram " + std::string(name) +
                                " is already registered with other buckets");
  return f;
}

void Registry::add_callback(std::string_view name, std::string_view help, Type type,
                            std::function<double()> read) {
  std::lock_guard lock(mutex_);
  for (const auto& f : families_)
    if (f->name() == name)
      throw std::invalid_argument("metric " + std::string(name) + " is already registered");
  families_.push_back(std::make_unique<CallbackFamily>(std::string(name), std::string(help), type,
                                                       std::move(read)));
}

void Registry::gauge_callback(std::string_view name, std::string_view help,
                              std::function<double()> read) {
  add_callback(name, help, Type::gauge, std::move(read));
}

void Registry::counter_callback(std::string_view name, std::string_view help,
                                std::function<double()> read) {
  add_callback(name, help, Type::counter, std::move(read));
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& f : families_) f->render(out);
  return out;
}

}  // namespace crawler::metrics

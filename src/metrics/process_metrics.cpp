#include "metrics/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace crawler::metrics {
namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

ProcStat self_stat() {
  auto stat = parse_proc_stat(read_file("/proc/self/stat"), sysconf(_SC_CLK_TCK));
  if (!stat) throw std::runtime_error("malformed /proc/self/stat");
  return *stat;
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text, long clock_ticks_per_second) {
  auto close = text.rfind(')');
  if (close == std::string_view::npos || clock_ticks_per_second <= 0) return std::nullopt;
  // Fields after the name start at field 3 (state); we need 14 utime, 15 stime,
  // 22 starttime, 23 vsize, 24 rss.
  std::vector<std::string_view> fields;
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty()) {
    auto start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    auto end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  auto field = [&](int n) { return fields[static_cast<std::size_t>(n - 3)]; };
  if (fields.size() < 22) return std::nullopt;
  std::uint64_t utime = 0, stime = 0, start = 0, vsize = 0;
  std::int64_t rss = 0;
  if (!parse_number(field(14), utime) || !parse_number(field(15), stime) ||
      !parse_number(field(22), start) || !parse_number(field(23), vsize) ||
      !parse_number(field(24), rss))
    return std::nullopt;
  const auto hz = static_cast<double>(clock_ticks_per_second);
  ProcStat out;
  out.cpu_seconds = static_cast<double>(utime + stime) / hz;
  out.start_after_boot = static_cast<double>(start) / hz;
  out.vsize_bytes = vsize;
  out.rss_pages = rss > 0 ? static_cast<std::uint64_t>(rss) : 0;
  return out;
}

std::optional<std::int64_t> parse_boot_time(std::string_view proc_stat) {
  std::size_t pos = 0;
  while (pos < proc_stat.size()) {
    auto end = proc_stat.find('\n', pos);
    auto line = proc_stat.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (line.starts_with("btime ")) {
      std::int64_t v = 0;
      if (parse_number(line.substr(6), v)) return v;
      return std::nullopt;
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return std::nullopt;
}

void register_process_metrics(Registry& registry) {
  registry.counter_callback("process_cpu_seconds_total",
                            "Total user and system CPU time spent in seconds.",
                            [] { return self_stat().cpu_seconds; });
  registry.gauge_callback("process_resident_memory_bytes", "Resident memory size in bytes.", [] {
    return static_cast<double>(self_stat().rss_pages) * static_cast<double>(sysconf(_SC_PAGESIZE));
  });
  registry.gauge_callback("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                          [] { return static_cast<double>(self_stat().vsize_bytes); });
  registry.gauge_callback("process_open_fds", "Number of open file descriptors.", [] {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return static_cast<double>(n);  // includes the descriptor of the listing itself
  });
  registry.gauge_callback("process_max_fds", "Maximum number of open file descriptors.", [] {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) throw std::runtime_error("getrlimit");
    return static_cast<double>(limit.rlim_cur);
  });
  // Constant for the process's life: computed once, at registration; left out without /proc.
  double start_time = 0;
  try {
    auto boot = parse_boot_time(read_file("/proc/stat"));
    if (!boot) return;
    start_time = static_cast<double>(*boot) + self_stat().start_after_boot;
  } catch (const std::exception&) {
    return;
  }
  registry.gauge_callback("process_start_time_seconds",
                          "Start time of the process since unix epoch in seconds.",
                          [start_time] { return start_time; });
}

}  // namespace crawler::metrics

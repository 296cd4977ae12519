// The standard process metrics every Prometheus client exports, read from /proc at scrape
// time: process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds.
//
// Read on demand (callback metrics) rather than sampled by a thread: a scrape every 15-60 s
// costs a few small file reads, and the values are then exact at scrape time. Linux only;
// where /proc is missing the callbacks fail and their series are left out.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "metrics/registry.h"

namespace crawler::metrics {

struct ProcStat {
  double cpu_seconds = 0;         // utime + stime
  double start_after_boot = 0;    // seconds after boot the process started
  std::uint64_t vsize_bytes = 0;  // virtual memory size
  std::uint64_t rss_pages = 0;
};

// Parses /proc/<pid>/stat text (the command name may hold spaces and parentheses, so fields
// are counted after the LAST ')'). nullopt when malformed. Pure, for tests.
std::optional<ProcStat> parse_proc_stat(std::string_view text, long clock_ticks_per_second);
// The `btime` line of /proc/stat: boot time in seconds since the epoch.
std::optional<std::int64_t> parse_boot_time(std::string_view proc_stat);

// Registers the process_* callbacks above. Call once per Registry.
void register_process_metrics(Registry& registry);

}  // namespace crawler::metrics

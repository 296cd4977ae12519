// Processes we did not spawn ourselves: daemons that detached from us (redis --daemonize,
// pg_ctl start) and are known only through their pid files. They are not our children, so
// we cannot waitpid() them; "gone" means no such process or a zombie (a container's init may
// never reap it).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace crawler::testing {

// The pid on the first line of a pid file; nullopt if the file is missing or malformed.
std::optional<pid_t> read_pid_file(const std::filesystem::path& path);
// True if the process exists and is not a zombie.
bool process_alive(pid_t pid);
// argv of a process joined with spaces (from /proc), "" if it is gone.
std::string process_command_line(pid_t pid);
// Sends `signal_number`, waits up to `grace` for the process to go, then SIGKILLs it and
// waits again. Returns false if it is still there after all that.
bool stop_process(pid_t pid, int signal_number, std::chrono::milliseconds grace);

}  // namespace crawler::testing

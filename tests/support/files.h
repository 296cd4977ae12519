// Small file helpers the harness shares: whole-file read/write, and the tail of a log for
// error messages ("redis-server failed to start ... log tail: ...").
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace crawler::testing {

// Throws std::runtime_error naming the path when the file cannot be read.
std::string read_file(const std::filesystem::path& path);
// Creates or truncates (keeping the file's owner if it exists). Throws on failure.
void write_file(const std::filesystem::path& path, std::string_view content);
void append_file(const std::filesystem::path& path, std::string_view content);
// The last `max_lines` lines of `text`.
std::string text_tail(std::string_view text, std::size_t max_lines = 40);
// The last lines of a file, or a note saying it could not be read. Never throws.
std::string file_tail(const std::filesystem::path& path, std::size_t max_lines = 40);
// The file's content from byte `offset` on ("" if it is shorter or unreadable). Never throws.
// For "what did the server log since we launched it".
std::string read_file_from(const std::filesystem::path& path, std::size_t offset);
// Size of a file, 0 if it does not exist.
std::size_t file_size_or_zero(const std::filesystem::path& path);

}  // namespace crawler::testing

// Whole-file helpers over std::fstream, with errors that name the path.
#include "support/files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace crawler::testing {
namespace {

void write_with_mode(const std::filesystem::path& path, std::string_view content,
                     std::ios::openmode mode) {
  std::ofstream out(path, std::ios::binary | mode);
  if (!out) {
    throw std::runtime_error("cannot open " + path.string() +
                             " for writing: " + std::strerror(errno));
  }
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void write_file(const std::filesystem::path& path, std::string_view content) {
  write_with_mode(path, content, std::ios::trunc);
}

void append_file(const std::filesystem::path& path, std::string_view content) {
  write_with_mode(path, content, std::ios::app);
}

std::string text_tail(std::string_view text, std::size_t max_lines) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0 && lines < max_lines;) {
    --start;
    if (text[start] == '\n' && ++lines == max_lines) {
      ++start;
      break;
    }
  }
  return std::string(text.substr(start));
}

std::string file_tail(const std::filesystem::path& path, std::size_t max_lines) {
  try {
    std::string text = read_file(path);
    if (text.empty()) return "(" + path.string() + " is empty)";
    return text_tail(text, max_lines);
  } catch (const std::exception& e) {
    return std::string("(") + e.what() + ")";
  }
}

std::string read_file_from(const std::filesystem::path& path, std::size_t offset) {
  try {
    std::string text = read_file(path);
    return offset < text.size() ? text.substr(offset) : std::string();
  } catch (const std::runtime_error&) {
    return {};
  }
}

std::size_t file_size_or_zero(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::size_t>(size);
}

}  // namespace crawler::testing

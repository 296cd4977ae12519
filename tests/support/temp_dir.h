// Temporary directories for servers' data, logs and sockets.
//
// Created with mkdtemp under $TMPDIR (else /tmp) rather than in the build tree: the postgres
// user must be able to reach the data directory, and /tmp is searchable by everyone while a
// build tree under /root is not. Short paths also keep unix socket paths under their limit.
#pragma once

#include <filesystem>
#include <string_view>

namespace crawler::testing {

// $TMPDIR if set and non-empty, else /tmp.
std::filesystem::path temp_root();

// A fresh directory (mode 0700), removed with its contents on destruction unless release()d.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "crawler-test");  // throws std::runtime_error
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Keeps the directory on disk and returns its path; the object no longer owns it.
  std::filesystem::path release();

 private:
  void remove() noexcept;
  std::filesystem::path path_;
};

}  // namespace crawler::testing

// ConnectionPool: a fixed set of sqlite::Database connections to one file, handed out as RAII
// leases to one thread at a time (a connection is not thread-safe).
//
//   ConnectionPool pool(path, 4, {}, 10s);
//   { auto db = pool.acquire(); db->prepare("SELECT 1").run(); }  // returned on scope exit
//
// All connections are opened by the constructor, so a bad path fails at start-up rather than
// on some later call. acquire() waits up to acquire_timeout for a free connection and then
// throws store::Unavailable: an exhausted pool surfaces as a 503, never as a hang.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "sqlite/database.h"

namespace crawler::store::sqlite {

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), db_(std::move(other.db_)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    crawler::sqlite::Database& operator*() const { return *db_; }
    crawler::sqlite::Database* operator->() const { return db_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<crawler::sqlite::Database> db)
        : pool_(pool), db_(std::move(db)) {}
    ConnectionPool* pool_;
    std::unique_ptr<crawler::sqlite::Database> db_;
  };

  // Throws crawler::sqlite::Error (the caller maps it) when a connection cannot be opened.
  ConnectionPool(const std::string& path, int size, const crawler::sqlite::OpenOptions& options,
                 std::chrono::milliseconds acquire_timeout);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Every lease must be returned before the pool is destroyed.
  Lease acquire();
  const std::string& path() const { return path_; }

 private:
  void release(std::unique_ptr<crawler::sqlite::Database> db);

  std::string path_;
  std::chrono::milliseconds acquire_timeout_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<crawler::sqlite::Database>> idle_;
};

}  // namespace crawler::store::sqlite

#include "store/sqlite/connection_pool.h"

#include "store/errors.h"

namespace crawler::store::sqlite {

ConnectionPool::Lease::~Lease() {
  if (pool_ && db_) pool_->release(std::move(db_));
}

ConnectionPool::ConnectionPool(const std::string& path, int size,
                               const crawler::sqlite::OpenOptions& options,
                               std::chrono::milliseconds acquire_timeout)
    : path_(path), acquire_timeout_(acquire_timeout) {
  idle_.reserve(static_cast<std::size_t>(size));
  for (int i = 0; i < size; ++i)
    idle_.push_back(std::make_unique<crawler::sqlite::Database>(path, options));
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  if (!returned_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty(); }))
    throw Unavailable("no SQLite connection to " + path_ + " free within " +
                      std::to_string(acquire_timeout_.count()) + " ms");
  auto db = std::move(idle_.back());
  idle_.pop_back();
  return Lease(this, std::move(db));
}

void ConnectionPool::release(std::unique_ptr<crawler::sqlite::Database> db) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(db));
  }
  returned_.notify_one();
}

}  // namespace crawler::store::sqlite

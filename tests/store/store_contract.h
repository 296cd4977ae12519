// The Store contract suite: one set of tests every backend must pass (store/store.h is the
// specification). Tests are value-parameterised over a StoreBackend, a named factory that
// returns a Store over a fresh, empty, migrated database; each backend instantiates the suite
// once (store_postgres_test.cpp: PostgreSQL; store_sqlite_test.cpp: SQLite), so "one suite,
// two backends" is a one-line addition, not a copy.
//
// The tests use the interface only (no SQL), so they cannot lean on one backend's details.
// Clock-dependent behaviour (due keywords, bulk caching) takes explicit timestamps.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "store/store.h"

namespace crawler::store::testing {

struct StoreBackend {
  std::string name;
  std::function<std::unique_ptr<Store>()> make;  // called in SetUp, on the main thread
};

inline void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }

class StoreContract : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override { store_ = GetParam().make(); }

  Store& store() { return *store_; }

  Keyword add(const std::string& keyword, const std::string& url,
              std::vector<std::string> tags = {}, std::optional<int> target_rank = {}) {
    return store_->add_keyword({keyword, url, std::move(tags), target_rank});
  }

  // A minimal AD result for `keyword_id` from job `job_id`, checked at `checked_at`.
  static RankingWrite result(std::optional<std::int64_t> keyword_id, std::optional<int> rank,
                             Timestamp checked_at, std::string job_id, int attempt = 1) {
    RankingWrite w;
    w.keyword_id = keyword_id;
    w.rank = rank;
    w.checked_at = checked_at;
    w.job_id = std::move(job_id);
    w.job_created_at = checked_at - std::chrono::seconds(5);
    w.job_attempt = attempt;
    w.measured.crawling_method = "http";
    return w;
  }

  // A fixed, whole-millisecond instant well inside the range every backend stores.
  static Timestamp at(std::int64_t seconds_after_2024) {
    return Timestamp(std::chrono::milliseconds((1704067200LL + seconds_after_2024) * 1000));
  }

  static std::vector<std::int64_t> ids(const std::vector<Keyword>& keywords) {
    std::vector<std::int64_t> out;
    for (const auto& k : keywords) out.push_back(k.id);
    return out;
  }

  std::unique_ptr<Store> store_;
};

}  // namespace crawler::store::testing

// What only the Bull backend has to get right for the scheduler and a draining worker (the
// backend-neutral behaviour is in the Queue contract suite, queue_contract_test.cpp):
//   - add_bulk_unless_pending on Bull's in-between states: a job claimed by BRPOPLPUSH but
//     not locked yet, and a stuck job (a hash in no list or set);
//   - the hand-back on stop leaves no lock and no stalled mark behind.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "queue/bull/bull_queue.h"
#include "queue/job_options.h"
#include "queue_contract.h"
#include "redis/connection.h"
#include "redis/url.h"
#include "support/poll.h"
#include "support/services.h"

namespace crawler::queue {
namespace {

using namespace std::chrono_literals;
using crawler::testing::poll_until;
using Outcome = Queue::AddOutcome;

class QueueSchedulingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& services = crawler::testing::SharedServices::get();
    options_.redis_url = services.redis_url();
    options_.prefix = services.unique_prefix();
    options_.name = "crawl-jobs";
    queue_ = bull::open_bull_queue(options_);
  }

  std::unique_ptr<Queue> open() { return bull::open_bull_queue(options_); }

  static NewJob job(const std::string& id, int priority = 100, std::string data = "{}") {
    return testing::job_with_id(id, priority, std::move(data));
  }

  redis::Reply redis_command(const std::vector<std::string>& cmd) {
    return redis::Connection::connect(redis::parse_url(options_.redis_url))->command(cmd);
  }
  std::string key(const std::string& suffix) const {
    return options_.prefix + ":" + options_.name + ":" + suffix;
  }

  bull::BullOptions options_;
  std::unique_ptr<Queue> queue_;
};

TEST_F(QueueSchedulingTest, ClaimedAndStuckJobsAreSkippedAndReplaced) {
  // claimed: in active without a lock (BRPOPLPUSH done, lock not written yet)
  queue_->add(job("claimed", 0));
  redis_command({"LREM", key("wait"), "0", "claimed"});
  redis_command({"LPUSH", key("active"), "claimed"});
  // stuck: a hash in no list or set
  redis_command({"HSET", key("stuck"), "data", "{}", "opts", "{}", "timestamp", "1"});
  ASSERT_EQ(queue_->get_state("stuck"), JobState::stuck);
  ASSERT_EQ(queue_->get_state("claimed"), JobState::active);

  auto outcomes = queue_->add_bulk_unless_pending(
      {job("claimed", 100, R"({"v":2})"), job("stuck", 100, R"({"v":2})")});
  EXPECT_EQ(outcomes, (std::vector<Outcome>{Outcome::skipped, Outcome::replaced}));
  EXPECT_EQ(queue_->get_state("stuck"), JobState::waiting);
  EXPECT_EQ(queue_->get_job("stuck")->data, R"({"v":2})");
  EXPECT_EQ(queue_->get_job("claimed")->data, "{}");
  EXPECT_EQ(redis_command({"LLEN", key("wait")}).integer(), 1);  // no id twice in the list
}

TEST_F(QueueSchedulingTest, HandBackLeavesNoLockAndNoStalledMark) {
  queue_->add_bulk({job("slow-1", 0), job("slow-2", 0), job("later", 0)});
  std::atomic<int> running{0};
  auto worker = testing::start_worker_until_cancelled(*queue_, 2, running);
  ASSERT_TRUE(poll_until([&] { return running == 2; }, 10s));
  EXPECT_TRUE(worker->stop(300ms));
  for (const char* id : {"slow-1", "slow-2"})
    EXPECT_EQ(redis_command({"EXISTS", key(std::string(id) + ":lock")}).integer(), 0) << id;
  auto next = redis_command({"LINDEX", key("wait"), "-1"});
  EXPECT_NE(next.str(), "later");
  EXPECT_EQ(redis_command({"SCARD", key("stalled")}).integer(), 0);
}

}  // namespace
}  // namespace crawler::queue

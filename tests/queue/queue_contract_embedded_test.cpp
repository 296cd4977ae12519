// The Queue contract suite on the embedded backend (a fresh SQLite file per test), plus what
// only the embedded backend has: its file survives reopening, one process at a time runs
// workers on it, and a file that is not a database is refused naming it.
#include <gtest/gtest.h>

#include <fstream>

#include "queue/embedded/embedded_queue.h"
#include "queue_contract.h"
#include "support/temp_dir.h"

namespace crawler::queue::testing {
namespace {

using namespace std::chrono_literals;

// Test files live as long as the test process; each test gets its own directory.
std::filesystem::path fresh_file() {
  static crawler::testing::TempDir root("queue-embedded");
  static int n = 0;
  auto dir = root.path() / std::to_string(++n);
  std::filesystem::create_directories(dir);
  return dir / "crawler.db";
}

QueueStorage fresh_embedded_storage() {
  const auto path = fresh_file().string();
  return {[path] { return embedded::open_embedded_queue({.path = path, .name = "crawl-jobs"}); },
          "sqlite:" + path, ""};
}

INSTANTIATE_TEST_SUITE_P(Embedded, QueueContract,
                         ::testing::Values(QueueBackend{"embedded", fresh_embedded_storage}),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(EmbeddedQueue, JobsSurviveReopeningTheFile) {
  const auto path = fresh_file().string();
  {
    auto q = embedded::open_embedded_queue({.path = path});
    NewJob j;
    j.opts.job_id = "kept";
    j.opts.delay = 60s;
    q->add(j);
    q->add("{}");
    q->pause();
  }
  auto q = embedded::open_embedded_queue({.path = path});
  EXPECT_EQ(q->get_state("kept"), JobState::delayed);
  EXPECT_TRUE(q->is_paused());
  EXPECT_EQ(q->get_job_counts(), (JobCounts{0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(q->add("{}"), "2");  // the id counter survives too
}

TEST(EmbeddedQueue, QueuesInOneFileAreSeparate) {
  const auto path = fresh_file().string();
  auto a = embedded::open_embedded_queue({.path = path, .name = "a"});
  auto b = embedded::open_embedded_queue({.path = path, .name = "b"});
  a->add("{}");
  EXPECT_EQ(a->get_job_counts().waiting, 1);
  EXPECT_EQ(b->get_job_counts().waiting, 0);
}

TEST(EmbeddedQueue, OnlyOneOpenerAtATimeRunsWorkers) {
  const auto path = fresh_file().string();
  auto first = embedded::open_embedded_queue({.path = path});
  auto second = embedded::open_embedded_queue({.path = path});
  auto w1 = first->make_worker({}, [](JobContext&) { return std::string("{}"); });
  w1->start();
  auto w2 = second->make_worker({}, [](JobContext&) { return std::string("{}"); });
  try {
    w2->start();
    FAIL() << "a second opener started workers";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another process"), std::string::npos) << e.what();
  }
  // Producers are welcome from anywhere.
  second->add("{}");
  w1->stop(5s);
}

TEST(EmbeddedQueue, AFileThatIsNotADatabaseIsRefusedNamingIt) {
  const auto path = fresh_file();
  std::ofstream(path) << "plain text, not SQLite, long enough to be read as a header........";
  try {
    embedded::open_embedded_queue({.path = path.string()});
    FAIL() << "opened a text file";
  } catch (const BackendUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace crawler::queue::testing

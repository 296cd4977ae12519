// The Queue contract suite on the Bull backend: a fresh key prefix on the shared redis-server
// per test.
#include "queue/bull/bull_queue.h"
#include "queue_contract.h"
#include "support/services.h"

namespace crawler::queue::testing {
namespace {

QueueStorage fresh_bull_storage() {
  auto& services = crawler::testing::SharedServices::get();
  bull::BullOptions options;
  options.redis_url = services.redis_url();
  options.prefix = services.unique_prefix();
  options.name = "crawl-jobs";
  return {[options] { return std::shared_ptr<Queue>(bull::open_bull_queue(options)); },
          options.redis_url, options.prefix};
}

INSTANTIATE_TEST_SUITE_P(Bull, QueueContract,
                         ::testing::Values(QueueBackend{"bull", fresh_bull_storage}),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace crawler::queue::testing

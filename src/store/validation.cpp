#include "store/validation.h"

#include <stdexcept>
#include <string>

namespace crawler::store {

void check_target_rank(const std::optional<int>& target_rank) {
  if (target_rank && *target_rank < 1)
    throw std::invalid_argument("target rank must be at least 1, got " +
                                std::to_string(*target_rank));
}

void check_ranking_write(const RankingWrite& w) {
  if (w.job_id.empty()) throw std::invalid_argument("a ranking needs the job id");
  if (w.rank_type != "AD" && w.rank_type != "ORGANIC")
    throw std::invalid_argument("rank type must be AD or ORGANIC, got \"" + w.rank_type + "\"");
  if (w.job_attempt < 0) throw std::invalid_argument("job attempt must not be negative");
}

}  // namespace crawler::store

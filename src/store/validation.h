// Argument checks every Store backend makes the same way (store.h: bad arguments are caller
// bugs, reported as std::invalid_argument naming what is wrong).
#pragma once

#include <optional>

#include "store/model.h"

namespace crawler::store {

// A target rank, when given, is at least 1.
void check_target_rank(const std::optional<int>& target_rank);
// A ranking write names its job, a rank type AD or ORGANIC, and a non-negative attempt.
void check_ranking_write(const RankingWrite& write);

}  // namespace crawler::store

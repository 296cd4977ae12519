// The one place a bulk_search_keywords row changes status after creation (used by
// record_ranking and mark_bulk_keyword): lock the row, check the transition, update it, and
// move its search's counters by the delta of bulk_status.h. Runs inside the caller's
// transaction.
#pragma once

#include <cstdint>
#include <optional>

#include "store/model.h"
#include "store/postgres/connection.h"

namespace crawler::store::postgres {

// False (and nothing changed) when the row does not exist or may not move to `to`.
// `rank` is stored for completed; completed_at = `at` for completed and failed, NULL otherwise.
bool move_bulk_row(Connection& conn, std::int64_t row_id, BulkKeywordStatus to,
                   std::optional<int> rank, Timestamp at);

}  // namespace crawler::store::postgres

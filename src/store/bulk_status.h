// Bulk search row statuses and the bookkeeping rule every backend shares: how a row's status
// change moves its bulk search's counters, and when the search is complete.
//
// pending_count counts rows still to be crawled (pending, processing); completed_count counts
// rows with a result (completed, cached); failed rows are in neither, so a search whose last
// row fails still completes (never left "processing" forever). Counters
// move by deltas computed from the row's old and new status under the row's lock, rather than
// by recounting the rows, so a completion costs O(1) however large the search is.
#pragma once

#include <optional>
#include <string_view>

namespace crawler::store {

enum class BulkKeywordStatus { pending, processing, completed, cached, failed };

std::string_view to_string(BulkKeywordStatus status);
// nullopt for anything but the five lower-case names.
std::optional<BulkKeywordStatus> parse_bulk_keyword_status(std::string_view text);

// Completed and cached rows are final: nothing moves them again.
bool is_final(BulkKeywordStatus status);
// Whether a row may move from `from` to `to`: final rows never move; a row does not "move" to
// its own status; cached is only ever set at creation.
bool can_transition(BulkKeywordStatus from, BulkKeywordStatus to);

struct BulkCountDelta {
  int pending = 0;
  int completed = 0;
};
BulkCountDelta count_delta(BulkKeywordStatus from, BulkKeywordStatus to);

}  // namespace crawler::store

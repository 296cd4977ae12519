#include "store/bulk_status.h"

namespace crawler::store {
namespace {

int in_pending(BulkKeywordStatus s) {
  return s == BulkKeywordStatus::pending || s == BulkKeywordStatus::processing ? 1 : 0;
}
int in_completed(BulkKeywordStatus s) { return is_final(s) ? 1 : 0; }

}  // namespace

std::string_view to_string(BulkKeywordStatus status) {
  switch (status) {
    case BulkKeywordStatus::pending:
      return "pending";
    case BulkKeywordStatus::processing:
      return "processing";
    case BulkKeywordStatus::completed:
      return "completed";
    case BulkKeywordStatus::cached:
      return "cached";
    case BulkKeywordStatus::failed:
      return "failed";
  }
  return "pending";  // unreachable: every enumerator is handled above
}

std::optional<BulkKeywordStatus> parse_bulk_keyword_status(std::string_view text) {
  for (auto s :
       {BulkKeywordStatus::pending, BulkKeywordStatus::processing, BulkKeywordStatus::completed,
        BulkKeywordStatus::cached, BulkKeywordStatus::failed})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

bool is_final(BulkKeywordStatus status) {
  return status == BulkKeywordStatus::completed || status == BulkKeywordStatus::cached;
}

bool can_transition(BulkKeywordStatus from, BulkKeywordStatus to) {
  return !is_final(from) && from != to && to != BulkKeywordStatus::cached;
}

BulkCountDelta count_delta(BulkKeywordStatus from, BulkKeywordStatus to) {
  return {in_pending(to) - in_pending(from), in_completed(to) - in_completed(from)};
}

}  // namespace crawler::store

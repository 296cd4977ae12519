// The dashboard's keyword helpers, without HTTP:
//  - the latest AD and ORGANIC result of each keyword on a page (the keyword row itself only
//    carries the AD rank, the column existing clients read);
//  - adding many keywords at once (pasted lines or an .xlsx), each one validated like
//    POST /api/keywords, duplicates reported rather than failing the whole batch.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace crawler::api {

struct LatestCheck {
  std::optional<int> rank;  // nullopt: checked, not found
  store::Timestamp checked_at;
  std::string method;
};
struct LatestRanks {
  std::optional<LatestCheck> ad;
  std::optional<LatestCheck> organic;
};

// Per keyword id; unknown or never-checked keywords map to an empty LatestRanks.
std::map<std::int64_t, LatestRanks> latest_ranks(store::Store& store,
                                                 const std::vector<std::int64_t>& ids);

struct KeywordInput {
  std::string keyword;
  std::string url;  // as given; normalised by import_keywords
  std::vector<std::string> tags;
  std::optional<int> target_rank;
};
struct ImportOutcome {
  std::string status;  // "added" | "exists" | "invalid"
  std::optional<std::int64_t> id;
  std::string error;  // for "invalid"
};

// Adds each keyword in order; never throws for one bad row (it is "invalid" with the reason).
std::vector<ImportOutcome> import_keywords(store::Store& store,
                                           const std::vector<KeywordInput>& rows);

}  // namespace crawler::api

#include "api/keyword_bulk.h"

#include "core/target_url.h"
#include "store/errors.h"

namespace crawler::api {
namespace {

// A keyword's checks write one AD and (when configured) one ORGANIC row each, so the newest
// few rows hold both types unless one area failed repeatedly.
constexpr int kRowsLooked = 8;

}  // namespace

std::map<std::int64_t, LatestRanks> latest_ranks(store::Store& store,
                                                 const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, LatestRanks> out;
  for (auto id : ids) {
    auto& latest = out[id];
    for (const auto& r : store.keyword_rankings(id, kRowsLooked)) {
      auto& slot = r.rank_type == "ORGANIC" ? latest.organic : latest.ad;
      if (!slot)
        slot = LatestCheck{r.rank, r.checked_at, r.measured.crawling_method};  // newest first
    }
  }
  return out;
}

std::vector<ImportOutcome> import_keywords(store::Store& store,
                                           const std::vector<KeywordInput>& rows) {
  std::vector<ImportOutcome> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    if (row.keyword.empty() || row.url.empty()) {
      out.push_back({"invalid", std::nullopt, "Missing keyword or url"});
      continue;
    }
    auto url = normalize_target_url(row.url);
    if (!url.error.empty()) {
      out.push_back({"invalid", std::nullopt, url.error});
      continue;
    }
    try {
      auto added = store.add_keyword({row.keyword, url.value, row.tags, row.target_rank});
      out.push_back({"added", added.id, ""});
    } catch (const store::Conflict& e) {
      out.push_back({"exists", e.existing_id, ""});
    } catch (const std::invalid_argument& e) {
      out.push_back({"invalid", std::nullopt, e.what()});
    }
  }
  return out;
}

}  // namespace crawler::api

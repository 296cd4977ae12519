#include "crawl/rank.h"

#include "core/ascii.h"

namespace crawler::crawl {
namespace {

void strip_prefix(std::string& s, std::string_view prefix) {
  if (s.compare(0, prefix.size(), prefix) == 0) s.erase(0, prefix.size());
}

}  // namespace

std::string normalize_for_match(std::string_view url) {
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t')) url.remove_prefix(1);
  std::string s = ascii_lower(url);
  strip_prefix(s, "https://");
  strip_prefix(s, "http://");
  strip_prefix(s, "www.");
  return s;
}

std::optional<int> find_rank(const std::vector<Item>& items, std::string_view target_url) {
  const std::string target = normalize_for_match(target_url);
  if (target.empty()) return std::nullopt;
  int position = 0;
  for (const auto& item : items) {
    ++position;
    if (ascii_lower(item.title).find(target) != std::string::npos) return position;
    if (normalize_for_match(item.display_url).find(target) != std::string::npos) return position;
  }
  return std::nullopt;
}

}  // namespace crawler::crawl

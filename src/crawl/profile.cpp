#include "crawl/profile.h"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/ascii.h"
#include "core/embedded.h"
#include "core/percent_encoding.h"

namespace crawler::crawl {

const std::vector<EmbeddedFile>& embedded_profile_files();

namespace {

namespace json = boost::json;

std::optional<std::string> field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (!v->is_string())
    throw std::invalid_argument("profile field '" + std::string(key) + "' must be a string");
  return std::string(v->as_string());
}

void check_complete(const Profile& p) {
  if (p.name.empty()) throw std::invalid_argument("a profile has no name");
  for (auto [value, what] : {std::pair{&p.rank_type, "rank_type"},
                             {&p.url_template, "url"},
                             {&p.items.text, "items"},
                             {&p.title.text, "title"},
                             {&p.display_url.text, "display_url"}}) {
    if (value->empty())
      throw std::invalid_argument("profile '" + p.name + "' lacks '" + what + "'");
  }
  if (p.url_template.find("{query}") == std::string::npos)
    throw std::invalid_argument("profile '" + p.name + "': url has no {query}");
}

}  // namespace

void apply_profile_json(std::vector<Profile>& profiles, std::string_view text) {
  json::value doc;
  try {
    doc = json::parse(text);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("profile JSON: ") + e.what());
  }
  const auto* root = doc.if_object();
  const auto* list = root ? root->if_contains("profiles") : nullptr;
  if (!list || !list->is_array())
    throw std::invalid_argument("profile JSON: expected {\"profiles\": [...]}");
  for (const auto& entry : list->as_array()) {
    if (!entry.is_object()) throw std::invalid_argument("profile JSON: a profile is not an object");
    const auto& o = entry.as_object();
    const auto name = field(o, "name");
    if (!name || name->empty()) throw std::invalid_argument("profile JSON: a profile has no name");
    Profile* target = nullptr;
    for (auto& p : profiles)
      if (p.name == *name) target = &p;
    if (!target) {
      profiles.push_back(Profile{.name = *name});
      target = &profiles.back();
    }
    if (auto v = field(o, "rank_type")) target->rank_type = ascii_upper(*v);
    if (auto v = field(o, "url")) target->url_template = *v;
    if (auto v = field(o, "items")) target->items = parse_selector(*v);
    if (auto v = field(o, "title")) target->title = parse_selector(*v);
    if (auto v = field(o, "display_url")) target->display_url = parse_selector(*v);
    check_complete(*target);
  }
}

void apply_profile_file(std::vector<Profile>& profiles, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read profile file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  apply_profile_json(profiles, text.str());
}

std::vector<Profile> default_profiles() {
  std::vector<Profile> profiles;
  for (const auto& file : embedded_profile_files()) apply_profile_json(profiles, file.content);
  return profiles;
}

const Profile* find_profile(const std::vector<Profile>& profiles, std::string_view rank_type) {
  const auto wanted = ascii_upper(rank_type);
  for (const auto& p : profiles)
    if (p.rank_type == wanted) return &p;
  return nullptr;
}

std::string search_url(const Profile& profile, std::string_view keyword) {
  const std::string encoded = percent_encode(keyword);
  std::string url = profile.url_template;
  const auto at = url.find("{query}");
  if (at == std::string::npos)
    throw std::invalid_argument("profile '" + profile.name + "': url has no {query}");
  url.replace(at, 7, encoded);
  return url;
}

}  // namespace crawler::crawl

// Script registry (see script_registry.h).
#include "queue/bull/script_registry.h"

#include <stdexcept>

namespace crawler::queue::bull {

std::string expand_includes(std::string_view text, std::span<const EmbeddedScript> all) {
  static constexpr std::string_view kDirective = "--- @include \"";
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(pos, eol - pos);
    if (line.starts_with(kDirective)) {
      const auto close = line.find('"', kDirective.size());
      if (close == std::string_view::npos) throw std::logic_error("bad @include line");
      const std::string wanted =
          "includes/" + std::string(line.substr(kDirective.size(), close - kDirective.size()));
      const EmbeddedScript* found = nullptr;
      for (const auto& s : all) {
        if (s.name == wanted) found = &s;
      }
      if (found == nullptr) throw std::logic_error("unknown Lua include " + wanted);
      out += found->text;
      if (!out.empty() && out.back() != '\n') out += '\n';
    } else {
      out += line;
      if (eol < text.size()) out += '\n';
    }
    pos = eol + 1;
  }
  return out;
}

const std::vector<Script>& scripts() {
  static const std::vector<Script> all = [] {
    std::vector<Script> v;
    const auto embedded = embedded_scripts();
    for (const auto& e : embedded) {
      if (e.name.starts_with("includes/")) continue;
      v.push_back(redis::make_script(std::string(e.name), expand_includes(e.text, embedded)));
    }
    return v;
  }();
  return all;
}

const Script& script(std::string_view name) {
  for (const auto& s : scripts()) {
    if (s.name == name) return s;
  }
  throw std::logic_error("unknown queue script " + std::string(name));
}

}  // namespace crawler::queue::bull

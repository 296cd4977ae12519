// The Lua scripts of the Bull backend (commands/*.lua), as compiled into the binary.
//
// Each script is one file with a header naming its KEYS and ARGV. Shared Lua functions live
// in commands/includes/ and are pulled in by a line `--- @include "<name>"`, expanded here
// once at startup (plain text substitution; includes do not nest). The SHA1 of the expanded
// text is computed locally: it is the name EVALSHA uses, and SCRIPT LOAD must answer the
// same digest (checked by the link when it loads them).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "redis/script.h"

namespace crawler::queue::bull {

struct EmbeddedScript {
  std::string_view name;  // path under commands/ without ".lua"
  std::string_view text;
};

// Generated at build time (embed_scripts.cmake).
std::span<const EmbeddedScript> embedded_scripts();

// name: the path under commands/; text: includes expanded; sha1: what EVALSHA sends.
using Script = redis::Script;

// The expanded scripts (not the includes), built on first use; thread-safe.
const std::vector<Script>& scripts();
// Throws std::logic_error for an unknown name: a typo in our code, not a runtime condition.
const Script& script(std::string_view name);

// Replaces each line `--- @include "<name>"` by the text of `includes/<name>`. Throws
// std::logic_error for an unknown include.
std::string expand_includes(std::string_view text, std::span<const EmbeddedScript> all);

}  // namespace crawler::queue::bull

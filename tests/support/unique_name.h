// Names no other test will pick: Redis key prefixes and database names for tests that share
// one Redis and one PostgreSQL, possibly from several test processes at once (ctest -j).
#pragma once

#include <string>
#include <string_view>

namespace crawler::testing {

// "<prefix><pid>_<counter>_<8 random hex digits>", e.g. "t4711_3_9f2c01ab": the pid separates
// processes, the counter calls within one, and the random part runs whose pids repeat.
// Lowercase letters, digits and '_' only, so it is also a valid unquoted SQL identifier when
// `prefix` is one.
std::string unique_name(std::string_view prefix = "t");

}  // namespace crawler::testing

// A text file compiled into the binary by cmake/Embed.cmake (migrations, scripts, web assets):
// the binary needs no files beside it at run time, which keeps the container image simple.
#pragma once

#include <string_view>
#include <vector>

namespace crawler {

struct EmbeddedFile {
  std::string_view name;  // file name without directories, e.g. "0001_initial.sql"
  std::string_view content;
};

}  // namespace crawler

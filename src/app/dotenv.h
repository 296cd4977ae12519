// The optional `.env` file: KEY=VALUE lines, `#` comments, optional `export `, single or
// double quotes (double quotes understand \n, \" and \\). Values already in the environment
// win over the file, as with every dotenv loader users know.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace crawler::app {

// Throws std::invalid_argument naming the line number of a malformed line.
std::map<std::string, std::string> parse_dotenv(std::string_view text);

}  // namespace crawler::app

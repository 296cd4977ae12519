// The build's version, set by CMake from the project version and the git commit.
#pragma once

namespace crawler {
const char* version();
const char* git_commit();
}  // namespace crawler

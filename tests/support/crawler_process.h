// The `crawler` binary run by a test: its own working directory (so no stray .env is read),
// stdout+stderr captured to a file, killed with the test if the test dies.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace crawler::testing {

struct CrawlerProcess {
  TempDir dir;
  Subprocess process;

  CrawlerProcess(const std::vector<std::string>& args, std::map<std::string, std::string> env);
  std::filesystem::path output() const { return dir.path() / "out.log"; }
  std::string log() const;
};

// Waits until `url` (a /ready) answers 200; throws with the process's log after `timeout`.
void wait_until_ready(const std::string& url, const CrawlerProcess& process,
                      std::chrono::seconds timeout = std::chrono::seconds(30));

// Where an ApiServer keeps its data: a fresh PostgreSQL database and the shared Redis, or
// (embedded mode) a SQLite file in a fresh DATA_DIR.
enum class Storage { servers, embedded };
inline std::string to_string(Storage s) { return s == Storage::servers ? "servers" : "embedded"; }

// An api process on a free port with fresh storage; waits for /ready.
struct ApiServer {
  int port;
  std::string api_key;  // the first of API_KEYS; "" without
  TempDir data;         // DATA_DIR in embedded mode
  CrawlerProcess process;
  explicit ApiServer(std::map<std::string, std::string> extra_env = {},
                     Storage storage = Storage::servers);
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  // A request to `path`, with the x-api-key header when the server has a key.
  HttpResult call(const std::string& method, const std::string& path, const std::string& body = "",
                  std::vector<std::string> headers = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
};

// Runs the binary to completion (bad configuration, subcommands).
CommandResult run_crawler(const std::vector<std::string>& args,
                          std::map<std::string, std::string> env);

}  // namespace crawler::testing

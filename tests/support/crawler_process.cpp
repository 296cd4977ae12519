#include "support/crawler_process.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/http_client.h"
#include "support/poll.h"
#include "support/ports.h"
#include "support/services.h"

namespace crawler::testing {
namespace {

Subprocess spawn(const TempDir& dir, const std::vector<std::string>& args,
                 std::map<std::string, std::string> env, const std::filesystem::path& out) {
  std::vector<std::string> argv{CRAWLER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  SpawnOptions options;
  options.argv = argv;
  options.env = std::move(env);
  options.stdout_file = out;
  options.stderr_file = out;
  options.working_dir = dir.path();
  options.kill_with_parent = true;
  return Subprocess(options);
}

int start_port(std::map<std::string, std::string>& env) {
  if (!env.contains("PORT")) env["PORT"] = std::to_string(free_port());
  return std::stoi(env["PORT"]);
}

std::map<std::string, std::string> api_env(std::map<std::string, std::string> env, Storage storage,
                                           const TempDir& data) {
  if (storage == Storage::embedded) {
    env["DATA_DIR"] = (data.path() / "data").string();
    return env;
  }
  env.try_emplace("REDIS_URL", SharedServices::get().redis_url());
  env.try_emplace("DATABASE_URL", SharedServices::get().fresh_database_url());
  return env;
}

std::string first_api_key(const std::map<std::string, std::string>& env) {
  auto keys = env.find("API_KEYS");
  if (keys == env.end()) return "";
  return keys->second.substr(0, keys->second.find(','));
}

}  // namespace

CrawlerProcess::CrawlerProcess(const std::vector<std::string>& args,
                               std::map<std::string, std::string> env)
    : process(spawn(dir, args, std::move(env), dir.path() / "out.log")) {}

std::string CrawlerProcess::log() const {
  std::ifstream in(output());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void wait_until_ready(const std::string& url, const CrawlerProcess& process,
                      std::chrono::seconds timeout) {
  bool ready =
      poll_until([&] { return http_get(url, std::chrono::seconds(2)).status == 200; }, timeout);
  if (!ready) throw std::runtime_error(url + " did not become ready:\n" + process.log());
}

ApiServer::ApiServer(std::map<std::string, std::string> extra_env, Storage storage)
    : port(start_port(extra_env)),
      api_key(first_api_key(extra_env)),
      process({"--process=api"}, api_env(std::move(extra_env), storage, data)) {
  wait_until_ready(url("/ready"), process);
}

HttpResult ApiServer::call(const std::string& method, const std::string& path,
                           const std::string& body, std::vector<std::string> headers,
                           std::chrono::milliseconds timeout) const {
  if (!api_key.empty()) headers.push_back("x-api-key: " + api_key);
  return http_request(method, url(path), body, headers, timeout);
}

CommandResult run_crawler(const std::vector<std::string>& args,
                          std::map<std::string, std::string> env) {
  std::vector<std::string> argv{CRAWLER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  SpawnOptions options;
  options.argv = argv;
  options.env = std::move(env);
  return run_command(options, std::chrono::seconds(30));
}

}  // namespace crawler::testing

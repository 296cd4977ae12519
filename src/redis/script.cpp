// EVALSHA with NOSCRIPT recovery (see script.h).
#include "redis/script.h"

#include <openssl/evp.h>

#include <stdexcept>
#include <utility>

#include "core/hex.h"

namespace crawler::redis {

std::string sha1_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA1 failed");
  }
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

Script make_script(std::string name, std::string text) {
  std::string sha1 = sha1_hex(text);
  return Script{std::move(name), std::move(text), std::move(sha1)};
}

bool is_noscript(const Reply& reply) {
  return reply.is_error() && reply.str().starts_with("NOSCRIPT");
}

std::vector<std::string> evalsha_command(const Script& script, const std::vector<std::string>& keys,
                                         const std::vector<std::string>& args) {
  std::vector<std::string> cmd;
  cmd.reserve(3 + keys.size() + args.size());
  cmd.push_back("EVALSHA");
  cmd.push_back(script.sha1);
  cmd.push_back(std::to_string(keys.size()));
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

Reply eval_script(Connection& connection, const Script& script,
                  const std::vector<std::string>& keys, const std::vector<std::string>& args,
                  std::optional<std::chrono::milliseconds> timeout) {
  const std::vector<std::string> cmd = evalsha_command(script, keys, args);
  Reply reply = connection.command(cmd, timeout);
  if (!is_noscript(reply)) return reply;
  Reply loaded = connection.command({"SCRIPT", "LOAD", script.text});
  if (loaded.is_error()) return loaded;
  return connection.command(cmd, timeout);
}

std::vector<Reply> pipeline_script(Connection& connection, const Script& script,
                                   const std::vector<std::vector<std::string>>& calls) {
  std::vector<Reply> replies = connection.pipeline(calls);
  std::vector<std::size_t> again;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (is_noscript(replies[i])) again.push_back(i);
  }
  if (again.empty()) return replies;
  std::vector<std::vector<std::string>> retry = {{"SCRIPT", "LOAD", script.text}};
  for (std::size_t i : again) retry.push_back(calls[i]);
  std::vector<Reply> second = connection.pipeline(retry);
  for (std::size_t j = 0; j < again.size(); ++j) {
    // A failed load fails every call that needed it, with the load's own error.
    replies[again[j]] = second[0].is_error() ? second[0] : std::move(second[j + 1]);
  }
  return replies;
}

}  // namespace crawler::redis

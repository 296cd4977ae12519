// Key names of one Bull queue: `<prefix>:<queue>:<type>`, job hashes `<prefix>:<queue>:<id>`,
// their locks `...:<id>:lock` and logs `...:<id>:logs`, as Bull 4's Queue#toKey builds them.
//
// Redis Cluster: every key of a queue must hash to one slot, or no script could touch them
// together. Bull's way, kept here, is a hash tag in the prefix: with prefix `{bull}` every key
// is `{bull}:<queue>:...` and only "bull" is hashed. hash_slot() is the cluster's CRC16 rule,
// exposed so tests (and a startup check) can prove it.
//
// Pub/sub channel names are built the same way (`<base>completed`, `<base>active@<token>`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crawler::queue::bull {

class Keys {
 public:
  // Throws std::invalid_argument for an empty prefix or queue name.
  Keys(std::string prefix, std::string queue_name);

  const std::string& prefix() const { return prefix_; }
  const std::string& queue_name() const { return name_; }
  // "<prefix>:<queue>:" — also the prefix of every job key.
  const std::string& base() const { return base_; }

  std::string key(std::string_view type) const { return base_ + std::string(type); }
  std::string wait() const { return key("wait"); }
  std::string active() const { return key("active"); }
  std::string paused() const { return key("paused"); }
  std::string meta_paused() const { return key("meta-paused"); }
  std::string meta() const { return key("meta"); }
  std::string id() const { return key("id"); }
  std::string delayed() const { return key("delayed"); }
  std::string priority() const { return key("priority"); }
  std::string completed() const { return key("completed"); }
  std::string failed() const { return key("failed"); }
  std::string stalled() const { return key("stalled"); }
  std::string stalled_check() const { return key("stalled-check"); }
  std::string limiter() const { return key("limiter"); }

  std::string job(std::string_view id) const { return base_ + std::string(id); }
  std::string lock(std::string_view id) const { return job(id) + ":lock"; }
  std::string logs(std::string_view id) const { return job(id) + ":logs"; }

 private:
  std::string prefix_;
  std::string name_;
  std::string base_;
};

// The Redis Cluster slot of a key (CRC16/XMODEM of the hash tag or the whole key, mod 16384).
std::uint16_t hash_slot(std::string_view key);

}  // namespace crawler::queue::bull

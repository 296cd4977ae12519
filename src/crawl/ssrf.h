// SSRF guard: which addresses the crawler may connect to.
//
// Keyword urls and search templates come from users and configuration, and a result page may
// redirect anywhere; a worker inside a VPC must not be turned into a proxy for the instance
// metadata service (169.254.169.254, fd00:ec2::254) or internal hosts. So:
//   - only http and https urls are fetched (allowed_scheme);
//   - every address is classified (classify(), pure) and only `global` ones are allowed
//     unless the policy says otherwise;
//   - the check runs on the address actually connected: the HTTP fetcher opens every socket
//     itself (libcurl's CURLOPT_OPENSOCKETFUNCTION) and asks the policy first. A host name is
//     thus checked after resolution, for every connection including redirects and happy-
//     eyeballs fallbacks, and DNS rebinding (public at check time, private at connect time)
//     has no window: there is no separate "check" resolution.
// IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) IPv6 addresses are
// judged by the IPv4 address they carry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sockaddr;

namespace crawler::crawl {

enum class AddressClass {
  global,       // routable on the Internet: allowed
  unspecified,  // 0.0.0.0/8 ("this network"), ::
  loopback,     // 127/8, ::1
  private_net,  // 10/8, 172.16/12, 192.168/16, fc00::/7 (ULA)
  link_local,   // 169.254/16 (metadata service), fe80::/10
  cgnat,        // 100.64/10 (shared address space)
  multicast,    // 224/4, ff00::/8
  broadcast,    // 255.255.255.255
  reserved,     // 240/4, documentation / benchmarking / protocol ranges, fec0::/10, ...
};

std::string_view to_string(AddressClass c);

// An IPv4 address in host byte order (a.b.c.d → a<<24 | b<<16 | c<<8 | d).
AddressClass classify_v4(std::uint32_t address);
// 16 bytes in network order.
AddressClass classify_v6(const std::uint8_t (&address)[16]);
// A numeric address ("10.0.0.1", "::1", "[::1]"); nullopt when it is not one.
std::optional<AddressClass> classify_ip(std::string_view text);
// AF_INET / AF_INET6 socket address; nullopt for other families.
std::optional<AddressClass> classify_sockaddr(const sockaddr* address);

struct SsrfPolicy {
  // CRAWL_ALLOW_PRIVATE=1: every class is allowed (tests, the local demo). Never in production.
  bool allow_private = false;
  // Finer than allow_private: networks allowed although not global, e.g. "127.0.0.0/8" for a
  // sample site on loopback while 169.254/16 stays refused. CIDR text, IPv4 or IPv6.
  std::vector<std::string> allowed_networks;
};

// Throws std::invalid_argument when an allowed network is not valid CIDR.
void validate(const SsrfPolicy& policy);

// nullopt: allowed. Otherwise why not, e.g. "169.254.169.254 is link_local".
std::optional<std::string> check_address(const SsrfPolicy& policy, const sockaddr* address);
std::optional<std::string> check_ip(const SsrfPolicy& policy, std::string_view ip);

// http and https only (case-insensitive scheme of a url).
bool allowed_scheme(std::string_view url);

}  // namespace crawler::crawl

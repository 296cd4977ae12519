// SSRF guard: which urls the crawler may request and which addresses it may connect to; the
// one guard of both fetchers.
//
// Keyword urls and search templates come from users and configuration, and a result page may
// redirect anywhere; a worker inside a VPC must not be turned into a proxy for the instance
// metadata service (169.254.169.254, fd00:ec2::254) or internal hosts. So:
//   - every url is checked before it is requested (check_url): only http and https, a host,
//     and a literal address the policy allows;
//   - every address is classified (classify_*(), pure) and only `global` ones are allowed
//     unless the policy says otherwise;
//   - a host name is judged by the addresses it leads to. The HTTP fetcher checks the address
//     actually connected: it opens every socket itself (libcurl's CURLOPT_OPENSOCKETFUNCTION)
//     and asks the policy first (check_address), for every connection including redirects and
//     happy-eyeballs fallbacks, so DNS rebinding (public at check time, private at connect
//     time) has no window: there is no separate "check" resolution. The browser fetcher
//     cannot see Chromium's sockets, so check_url resolves the name itself and checks every
//     address; that leaves the rebinding window its header states.
// IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) IPv6 addresses are
// judged by the IPv4 address they carry.
#pragma once

#include <cstdint>
#include <functional>
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

// Why check_url refuses a url.
struct UrlRefusal {
  enum class Kind {
    bad_url,  // not http(s), unparsable, or without a host
    refused,  // its host is, or resolves to, an address the policy refuses
  };
  Kind kind;
  std::string reason;  // e.g. "169.254.169.254 is link_local (refused by the SSRF guard; ...)"
};

// A host name → its addresses as text ("10.0.0.5", "::1"); empty when it does not resolve.
using HostResolver = std::function<std::vector<std::string>(const std::string& host)>;

// The system resolver (getaddrinfo): every address of every family.
std::vector<std::string> resolve_host(const std::string& host);

// nullopt: `url` may be requested. Checked for every url before it is requested (the page,
// each redirect, and in the browser every subresource): the scheme must be http or https, the
// url must have a host, and a literal address ("10.0.0.1", "[::1]") must be allowed.
// A host name is resolved with `resolve` and refused when any of its addresses is (a name
// that does not resolve passes: the request fails for want of an address, with nothing to
// guard). Without `resolve` a host name passes here and the caller checks every address it
// connects to (check_address).
std::optional<UrlRefusal> check_url(const SsrfPolicy& policy, std::string_view url,
                                    const HostResolver& resolve = {});

}  // namespace crawler::crawl

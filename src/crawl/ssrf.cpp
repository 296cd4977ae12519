#include "crawl/ssrf.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <stdexcept>

#include "core/ascii.h"

namespace crawler::crawl {
namespace {

struct Net4 {
  std::uint32_t base;
  int bits;
  AddressClass cls;
};

constexpr std::uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// First match wins. The ranges are disjoint except 255.255.255.255/32 inside 240/4, which is
// therefore listed before it.
constexpr Net4 kV4[] = {
    {ip4(0, 0, 0, 0), 8, AddressClass::unspecified},
    {ip4(10, 0, 0, 0), 8, AddressClass::private_net},
    {ip4(100, 64, 0, 0), 10, AddressClass::cgnat},
    {ip4(127, 0, 0, 0), 8, AddressClass::loopback},
    {ip4(169, 254, 0, 0), 16, AddressClass::link_local},
    {ip4(172, 16, 0, 0), 12, AddressClass::private_net},
    {ip4(192, 0, 0, 0), 24, AddressClass::reserved},    // IETF protocol assignments
    {ip4(192, 0, 2, 0), 24, AddressClass::reserved},    // TEST-NET-1
    {ip4(192, 88, 99, 0), 24, AddressClass::reserved},  // 6to4 relay anycast (deprecated)
    {ip4(192, 168, 0, 0), 16, AddressClass::private_net},
    {ip4(198, 18, 0, 0), 15, AddressClass::reserved},    // benchmarking
    {ip4(198, 51, 100, 0), 24, AddressClass::reserved},  // TEST-NET-2
    {ip4(203, 0, 113, 0), 24, AddressClass::reserved},   // TEST-NET-3
    {ip4(224, 0, 0, 0), 4, AddressClass::multicast},
    {ip4(255, 255, 255, 255), 32, AddressClass::broadcast},
    {ip4(240, 0, 0, 0), 4, AddressClass::reserved},  // after the broadcast /32 inside it
};

bool in_net(std::uint32_t a, std::uint32_t base, int bits) {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (base & mask);
}

bool prefix_equal(const std::uint8_t* a, const std::uint8_t* b, int bits) {
  const int bytes = bits / 8;
  if (std::memcmp(a, b, static_cast<std::size_t>(bytes)) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (a[bytes] & mask) == (b[bytes] & mask);
}

std::uint32_t v4_at(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

struct Cidr {
  int family = 0;
  std::uint8_t bytes[16] = {};
  int bits = 0;
};

Cidr parse_cidr(std::string_view text) {
  Cidr c;
  const auto slash = text.find('/');
  const std::string addr(text.substr(0, slash));
  if (inet_pton(AF_INET, addr.c_str(), c.bytes) == 1) {
    c.family = AF_INET;
    c.bits = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), c.bytes) == 1) {
    c.family = AF_INET6;
    c.bits = 128;
  } else {
    throw std::invalid_argument("not an IP network: '" + std::string(text) + "'");
  }
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    int bits = 0;
    if (digits.empty() || digits.size() > 3) throw std::invalid_argument("bad prefix length");
    for (char ch : digits) {
      if (ch < '0' || ch > '9') throw std::invalid_argument("bad prefix length");
      bits = bits * 10 + (ch - '0');
    }
    if (bits > c.bits)
      throw std::invalid_argument("prefix length too long in '" + std::string(text) + "'");
    c.bits = bits;
  }
  return c;
}

// The address as (family, bytes): mapped IPv4 in IPv6 is unwrapped so "127.0.0.0/8" also
// allows ::ffff:127.0.0.1.
bool allowed_by(const SsrfPolicy& policy, int family, const std::uint8_t* bytes) {
  for (const auto& text : policy.allowed_networks) {
    const Cidr net = parse_cidr(text);
    if (net.family == family && prefix_equal(bytes, net.bytes, net.bits)) return true;
  }
  return false;
}

std::optional<std::string> verdict(const SsrfPolicy& policy, AddressClass cls, int family,
                                   const std::uint8_t* bytes) {
  if (cls == AddressClass::global || policy.allow_private) return std::nullopt;
  if (family == AF_INET6) {
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(bytes, mapped, 12) == 0 && allowed_by(policy, AF_INET, bytes + 12))
      return std::nullopt;
  }
  if (allowed_by(policy, family, bytes)) return std::nullopt;
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family, bytes, text, sizeof text);
  return std::string(text) + " is " + std::string(to_string(cls)) +
         " (refused by the SSRF guard; CRAWL_ALLOW_PRIVATE=1 allows it for tests)";
}

// The host of `url` as libcurl reads it (the HTTP fetcher hands the same text to libcurl;
// Chromium's urls are canonical), brackets of an IPv6 literal removed; nullopt when the url
// does not parse or has no host.
std::optional<std::string> url_host(std::string_view url) {
  std::optional<std::string> host;
  CURLU* u = curl_url();
  if (!u) return host;
  char* h = nullptr;
  if (curl_url_set(u, CURLUPART_URL, std::string(url).c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK && h && *h) {
    std::string_view text(h);
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
      text = text.substr(1, text.size() - 2);
    host.emplace(text);
  }
  curl_free(h);
  curl_url_cleanup(u);
  return host;
}

}  // namespace

std::string_view to_string(AddressClass c) {
  switch (c) {
    case AddressClass::global:
      return "global";
    case AddressClass::unspecified:
      return "unspecified";
    case AddressClass::loopback:
      return "loopback";
    case AddressClass::private_net:
      return "private";
    case AddressClass::link_local:
      return "link_local";
    case AddressClass::cgnat:
      return "cgnat";
    case AddressClass::multicast:
      return "multicast";
    case AddressClass::broadcast:
      return "broadcast";
    case AddressClass::reserved:
      return "reserved";
  }
  return "unknown";
}

AddressClass classify_v4(std::uint32_t a) {
  for (const auto& net : kV4)
    if (in_net(a, net.base, net.bits)) return net.cls;
  return AddressClass::global;
}

AddressClass classify_v6(const std::uint8_t (&a)[16]) {
  static constexpr std::uint8_t zero[16] = {};
  static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static constexpr std::uint8_t nat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(a, zero, 15) == 0) {
    if (a[15] == 0) return AddressClass::unspecified;
    if (a[15] == 1) return AddressClass::loopback;
  }
  if (std::memcmp(a, mapped, 12) == 0) return classify_v4(v4_at(a + 12));
  if (std::memcmp(a, nat64, 12) == 0) return classify_v4(v4_at(a + 12));
  if (std::memcmp(a, zero, 12) == 0) return AddressClass::reserved;    // IPv4-compatible, ::/96
  if (a[0] == 0x20 && a[1] == 0x02) return classify_v4(v4_at(a + 2));  // 6to4 2002::/16
  if (a[0] == 0xFF) return AddressClass::multicast;
  if ((a[0] & 0xFE) == 0xFC) return AddressClass::private_net;                 // fc00::/7
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return AddressClass::link_local;  // fe80::/10
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0) return AddressClass::reserved;    // fec0::/10
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8)
    return AddressClass::reserved;  // documentation 2001:db8::/32
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0)
    return AddressClass::reserved;  // Teredo 2001::/32: hides the real peer
  if (a[0] == 0x01 && a[1] == 0 && std::memcmp(a + 2, zero, 6) == 0)
    return AddressClass::reserved;  // discard-only 100::/64
  // Only 2000::/3 is allocated as global unicast; everything else is reserved.
  if ((a[0] & 0xE0) != 0x20) return AddressClass::reserved;
  return AddressClass::global;
}

std::optional<AddressClass> classify_ip(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  const std::string s(text);
  std::uint8_t bytes[16] = {};
  if (inet_pton(AF_INET, s.c_str(), bytes) == 1) return classify_v4(v4_at(bytes));
  if (inet_pton(AF_INET6, s.c_str(), bytes) == 1) return classify_v6(bytes);
  return std::nullopt;
}

std::optional<AddressClass> classify_sockaddr(const sockaddr* address) {
  if (!address) return std::nullopt;
  if (address->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, address, sizeof in);
    return classify_v4(ntohl(in.sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, address, sizeof in6);
    std::uint8_t bytes[16];
    std::memcpy(bytes, &in6.sin6_addr, 16);
    return classify_v6(bytes);
  }
  return std::nullopt;
}

void validate(const SsrfPolicy& policy) {
  for (const auto& net : policy.allowed_networks) parse_cidr(net);
}

std::optional<std::string> check_address(const SsrfPolicy& policy, const sockaddr* address) {
  const auto cls = classify_sockaddr(address);
  if (!cls) return std::string("address family not allowed");
  if (address->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, address, sizeof in);
    return verdict(policy, *cls, AF_INET, reinterpret_cast<const std::uint8_t*>(&in.sin_addr));
  }
  sockaddr_in6 in6{};
  std::memcpy(&in6, address, sizeof in6);
  return verdict(policy, *cls, AF_INET6, reinterpret_cast<const std::uint8_t*>(&in6.sin6_addr));
}

std::optional<std::string> check_ip(const SsrfPolicy& policy, std::string_view ip) {
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  const std::string s(ip);
  std::uint8_t bytes[16] = {};
  if (inet_pton(AF_INET, s.c_str(), bytes) == 1)
    return verdict(policy, classify_v4(v4_at(bytes)), AF_INET, bytes);
  if (inet_pton(AF_INET6, s.c_str(), bytes) == 1)
    return verdict(policy, classify_v6(bytes), AF_INET6, bytes);
  return std::string("'") + s + "' is not an IP address";
}

std::vector<std::string> resolve_host(const std::string& host) {
  std::vector<std::string> addresses;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;  // answers are AF_INET and AF_INET6 only
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0) return addresses;
  for (const addrinfo* a = list; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    if (a->ai_family == AF_INET) {
      sockaddr_in in{};
      std::memcpy(&in, a->ai_addr, sizeof in);
      if (inet_ntop(AF_INET, &in.sin_addr, text, sizeof text)) addresses.emplace_back(text);
    } else if (a->ai_family == AF_INET6) {
      sockaddr_in6 in6{};
      std::memcpy(&in6, a->ai_addr, sizeof in6);
      if (inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text)) addresses.emplace_back(text);
    }
  }
  ::freeaddrinfo(list);
  return addresses;
}

std::optional<UrlRefusal> check_url(const SsrfPolicy& policy, std::string_view url,
                                    const HostResolver& resolve) {
  using Kind = UrlRefusal::Kind;
  if (!allowed_scheme(url))
    return UrlRefusal{Kind::bad_url, "only http and https: " + std::string(url)};
  const auto host = url_host(url);
  if (!host) return UrlRefusal{Kind::bad_url, "no host in url: " + std::string(url)};
  if (classify_ip(*host)) {
    if (auto why = check_ip(policy, *host)) return UrlRefusal{Kind::refused, std::move(*why)};
    return std::nullopt;
  }
  if (!resolve) return std::nullopt;
  for (const auto& address : resolve(*host))
    if (auto why = check_ip(policy, address)) return UrlRefusal{Kind::refused, std::move(*why)};
  return std::nullopt;
}

bool allowed_scheme(std::string_view url) {
  const auto colon = url.find("://");
  if (colon == std::string_view::npos) return false;
  const std::string scheme = ascii_lower(url.substr(0, colon));
  return scheme == "http" || scheme == "https";
}

}  // namespace crawler::crawl

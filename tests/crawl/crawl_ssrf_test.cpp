// SSRF address classification (crawl/ssrf.h), exhaustively over the ranges it knows: each
// range's first and last address and its neighbours just outside, IPv6 special ranges and
// the IPv4 embedded in mapped / NAT64 / 6to4 addresses, sockaddr input, and the policy
// (allow_private, allowed_networks).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

#include "crawl/ssrf.h"

namespace crawler::crawl {
namespace {

using C = AddressClass;

C v4(const char* text) {
  auto c = classify_ip(text);
  EXPECT_TRUE(c.has_value()) << text;
  return c.value_or(C::global);
}

TEST(Ssrf, Ipv4RangesAtTheirEdges) {
  struct Case {
    const char* first;
    const char* last;
    C cls;
    const char* before;  // just below the range (or nullptr)
    const char* after;   // just above the range (or nullptr)
  };
  const Case cases[] = {
      {"0.0.0.0", "0.255.255.255", C::unspecified, nullptr, "1.0.0.0"},
      {"10.0.0.0", "10.255.255.255", C::private_net, "9.255.255.255", "11.0.0.0"},
      {"100.64.0.0", "100.127.255.255", C::cgnat, "100.63.255.255", "100.128.0.0"},
      {"127.0.0.0", "127.255.255.255", C::loopback, "126.255.255.255", "128.0.0.0"},
      {"169.254.0.0", "169.254.255.255", C::link_local, "169.253.255.255", "169.255.0.0"},
      {"172.16.0.0", "172.31.255.255", C::private_net, "172.15.255.255", "172.32.0.0"},
      {"192.0.0.0", "192.0.0.255", C::reserved, "191.255.255.255", "192.0.1.0"},
      {"192.0.2.0", "192.0.2.255", C::reserved, "192.0.1.255", "192.0.3.0"},
      {"192.88.99.0", "192.88.99.255", C::reserved, "192.88.98.255", "192.88.100.0"},
      {"192.168.0.0", "192.168.255.255", C::private_net, "192.167.255.255", "192.169.0.0"},
      {"198.18.0.0", "198.19.255.255", C::reserved, "198.17.255.255", "198.20.0.0"},
      {"198.51.100.0", "198.51.100.255", C::reserved, "198.51.99.255", "198.51.101.0"},
      {"203.0.113.0", "203.0.113.255", C::reserved, "203.0.112.255", "203.0.114.0"},
      {"224.0.0.0", "239.255.255.255", C::multicast, "223.255.255.255", nullptr},
      {"240.0.0.0", "255.255.255.254", C::reserved, nullptr, nullptr},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(v4(c.first), c.cls) << c.first;
    EXPECT_EQ(v4(c.last), c.cls) << c.last;
    if (c.before) {
      EXPECT_EQ(v4(c.before), C::global) << c.before;
    }
    if (c.after) {
      EXPECT_EQ(v4(c.after), C::global) << c.after;
    }
  }
  EXPECT_EQ(v4("255.255.255.255"), C::broadcast);
  EXPECT_EQ(v4("169.254.169.254"), C::link_local);
  for (const char* global : {"8.8.8.8", "1.1.1.1", "223.130.195.95", "125.209.222.141"})
    EXPECT_EQ(v4(global), C::global) << global;
}

TEST(Ssrf, EveryFirstOctetIsClassifiedConsistently) {
  // Walks every /8 (and every /16 of the interesting ones) without crashing, and checks the
  // classes of whole /8s.
  for (std::uint32_t a = 0; a < 256; ++a) {
    const C cls = classify_v4(a << 24 | 0x010203);
    C expected = C::global;
    if (a == 0) expected = C::unspecified;
    if (a == 10) expected = C::private_net;
    if (a == 127) expected = C::loopback;
    if (a >= 224 && a <= 239) expected = C::multicast;
    if (a >= 240) expected = C::reserved;
    EXPECT_EQ(cls, expected) << a;
  }
  for (std::uint32_t b = 0; b < 256; ++b) {
    EXPECT_EQ(classify_v4(172u << 24 | b << 16 | 1),
              b >= 16 && b <= 31 ? C::private_net : C::global);
    EXPECT_EQ(classify_v4(100u << 24 | b << 16 | 1), b >= 64 && b <= 127 ? C::cgnat : C::global);
  }
}

TEST(Ssrf, Ipv6Ranges) {
  EXPECT_EQ(classify_ip("::"), C::unspecified);
  EXPECT_EQ(classify_ip("::1"), C::loopback);
  EXPECT_EQ(classify_ip("[::1]"), C::loopback);
  EXPECT_EQ(classify_ip("fc00::1"), C::private_net);
  EXPECT_EQ(classify_ip("fdff:ffff::1"), C::private_net);
  EXPECT_EQ(classify_ip("fd00:ec2::254"), C::private_net);  // AWS metadata over IPv6
  EXPECT_EQ(classify_ip("fe80::1"), C::link_local);
  EXPECT_EQ(classify_ip("febf::1"), C::link_local);
  EXPECT_EQ(classify_ip("fec0::1"), C::reserved);
  EXPECT_EQ(classify_ip("ff02::1"), C::multicast);
  EXPECT_EQ(classify_ip("2001:db8::1"), C::reserved);
  EXPECT_EQ(classify_ip("2001::1"), C::reserved);
  EXPECT_EQ(classify_ip("100::1"), C::reserved);
  EXPECT_EQ(classify_ip("::2"), C::reserved);  // IPv4-compatible (deprecated)
  EXPECT_EQ(classify_ip("4000::1"), C::reserved);
  EXPECT_EQ(classify_ip("2404:6800:4004:80a::200e"), C::global);
  EXPECT_EQ(classify_ip("2001:4860::8888"), C::global);
}

TEST(Ssrf, Ipv6CarryingIpv4IsJudgedByTheIpv4) {
  EXPECT_EQ(classify_ip("::ffff:127.0.0.1"), C::loopback);
  EXPECT_EQ(classify_ip("::ffff:169.254.169.254"), C::link_local);
  EXPECT_EQ(classify_ip("::ffff:10.1.2.3"), C::private_net);
  EXPECT_EQ(classify_ip("::ffff:8.8.8.8"), C::global);
  EXPECT_EQ(classify_ip("64:ff9b::a9fe:a9fe"), C::link_local);  // NAT64 of 169.254.169.254
  EXPECT_EQ(classify_ip("64:ff9b::808:808"), C::global);
  EXPECT_EQ(classify_ip("2002:a9fe:a9fe::1"), C::link_local);  // 6to4 of 169.254.169.254
  EXPECT_EQ(classify_ip("2002:c0a8:0101::1"), C::private_net);
  EXPECT_EQ(classify_ip("2002:0808:0808::1"), C::global);
}

TEST(Ssrf, NotAnAddress) {
  for (const char* text :
       {"", "localhost", "example.com", "1.2.3", "256.0.0.1", "::g", "[1.2.3.4]x"})
    EXPECT_EQ(classify_ip(text), std::nullopt) << text;
}

TEST(Ssrf, SockaddrInput) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  inet_pton(AF_INET, "169.254.169.254", &in.sin_addr);
  EXPECT_EQ(classify_sockaddr(reinterpret_cast<sockaddr*>(&in)), C::link_local);
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:192.168.1.1", &in6.sin6_addr);
  EXPECT_EQ(classify_sockaddr(reinterpret_cast<sockaddr*>(&in6)), C::private_net);
  sockaddr other{};
  other.sa_family = AF_UNIX;
  EXPECT_EQ(classify_sockaddr(&other), std::nullopt);
  EXPECT_TRUE(check_address(SsrfPolicy{}, &other).has_value());
}

TEST(Ssrf, Policy) {
  const SsrfPolicy strict;
  EXPECT_EQ(check_ip(strict, "8.8.8.8"), std::nullopt);
  const auto why = check_ip(strict, "169.254.169.254");
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("169.254.169.254 is link_local"), std::string::npos);
  EXPECT_TRUE(check_ip(strict, "not-an-ip").has_value());

  SsrfPolicy open;
  open.allow_private = true;
  EXPECT_EQ(check_ip(open, "127.0.0.1"), std::nullopt);
  EXPECT_EQ(check_ip(open, "169.254.169.254"), std::nullopt);

  SsrfPolicy loopback_only;
  loopback_only.allowed_networks = {"127.0.0.0/8", "::1/128"};
  validate(loopback_only);
  EXPECT_EQ(check_ip(loopback_only, "127.0.0.1"), std::nullopt);
  EXPECT_EQ(check_ip(loopback_only, "127.9.9.9"), std::nullopt);
  EXPECT_EQ(check_ip(loopback_only, "::1"), std::nullopt);
  EXPECT_EQ(check_ip(loopback_only, "::ffff:127.0.0.1"), std::nullopt);
  EXPECT_TRUE(check_ip(loopback_only, "169.254.169.254").has_value());
  EXPECT_TRUE(check_ip(loopback_only, "10.0.0.1").has_value());

  SsrfPolicy odd;
  odd.allowed_networks = {"10.1.2.3"};  // no prefix: a single address
  EXPECT_EQ(check_ip(odd, "10.1.2.3"), std::nullopt);
  EXPECT_TRUE(check_ip(odd, "10.1.2.4").has_value());

  for (const char* bad : {"10.0.0.0/33", "x/8", "10.0.0.0/", "10.0.0.0/a", "::1/129"}) {
    SsrfPolicy p;
    p.allowed_networks = {bad};
    EXPECT_THROW(validate(p), std::invalid_argument) << bad;
  }
}

TEST(Ssrf, Schemes) {
  EXPECT_TRUE(allowed_scheme("http://a"));
  EXPECT_TRUE(allowed_scheme("HTTPS://a"));
  for (const char* url : {"ftp://a", "file:///etc/passwd", "gopher://a", "dict://a", "a", "://a",
                          "javascript:alert(1)"})
    EXPECT_FALSE(allowed_scheme(url)) << url;
}

}  // namespace
}  // namespace crawler::crawl

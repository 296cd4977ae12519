// The SSRF guard (crawl/ssrf.h). Address classification, exhaustively over the ranges it
// knows: each range's first and last address and its neighbours just outside, IPv6 special
// ranges and the IPv4 embedded in mapped / NAT64 / 6to4 addresses, sockaddr input, and the
// policy (allow_private, allowed_networks). Then check_url, the url check of both fetchers:
// schemes, literal and disguised addresses (v4 and v6), the policy, and host names judged by
// what they resolve to (a fake resolver, and the system's for localhost).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

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

// The refusal of `url`, or "" when it passes; the kind as "bad_url: " / "refused: " prefix.
std::string url_verdict(const SsrfPolicy& policy, const std::string& url,
                        const HostResolver& resolve = {}) {
  const auto refusal = check_url(policy, url, resolve);
  if (!refusal) return "";
  return (refusal->kind == UrlRefusal::Kind::bad_url ? "bad_url: " : "refused: ") + refusal->reason;
}

bool refused(const SsrfPolicy& policy, const std::string& url, const HostResolver& resolve = {}) {
  return url_verdict(policy, url, resolve).starts_with("refused: ");
}

TEST(SsrfUrl, OnlyHttpAndHttpsWithAHost) {
  const SsrfPolicy strict;
  EXPECT_EQ(url_verdict(strict, "http://8.8.8.8/"), "");
  EXPECT_EQ(url_verdict(strict, "HTTPS://8.8.8.8:8443/search?q=1"), "");
  for (const char* url :
       {"ftp://8.8.8.8/", "file:///etc/passwd", "gopher://8.8.8.8/", "dict://8.8.8.8:11211/",
        "javascript:alert(1)", "data:text/html,<b>x</b>", "not a url", "http://", "//8.8.8.8/"}) {
    EXPECT_TRUE(url_verdict(strict, url).starts_with("bad_url: ")) << url;
  }
  EXPECT_EQ(url_verdict(strict, "gopher://x/"), "bad_url: only http and https: gopher://x/");
  EXPECT_EQ(url_verdict(strict, "http://"), "bad_url: no host in url: http://");
  // What a browser sends unescaped in a query does not make a url unparsable.
  EXPECT_EQ(url_verdict(strict, "https://8.8.8.8/css?family=A|B&x={y}^"), "");
}

TEST(SsrfUrl, LiteralAddressesV4AndV6) {
  const SsrfPolicy strict;
  for (const char* url : {"http://127.0.0.1/",
                          "http://127.0.0.1:8080/x",
                          "http://[::1]/",
                          "http://0.0.0.0/",
                          "http://[::]/",
                          "http://10.1.2.3/",
                          "http://172.16.0.1/",
                          "http://192.168.1.1/",
                          "http://[fc00::1]/",
                          "http://100.64.0.1/",
                          "http://169.254.169.254/latest/meta-data/",
                          "http://[fd00:ec2::254]/",
                          "http://[fe80::1]/",
                          "http://[fe80::1%25eth0]/",
                          "http://[::ffff:169.254.169.254]/",
                          "http://[64:ff9b::a9fe:a9fe]/",
                          "http://[2002:a9fe:a9fe::1]/",
                          "http://224.0.0.1/",
                          "http://[ff02::1]/",
                          "http://255.255.255.255/"}) {
    EXPECT_TRUE(refused(strict, url)) << url << " " << url_verdict(strict, url);
  }
  EXPECT_NE(url_verdict(strict, "http://169.254.169.254/").find("169.254.169.254 is link_local"),
            std::string::npos);
  EXPECT_NE(url_verdict(strict, "http://[::1]:9/").find("::1 is loopback"), std::string::npos);
  // Disguised forms of an address are read as libcurl reads them, and so judged.
  for (const char* url :
       {"http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://0251.0376.0251.0376/",
        "http://%31%32%37.0.0.1/", "http://8.8.8.8@127.0.0.1/", "http://127.0.0.1#@8.8.8.8/"}) {
    EXPECT_TRUE(refused(strict, url)) << url << " " << url_verdict(strict, url);
  }
  EXPECT_EQ(url_verdict(strict, "http://127.0.0.1@8.8.8.8/"), "");
  EXPECT_EQ(url_verdict(strict, "http://[2404:6800:4004:80a::200e]/"), "");
}

TEST(SsrfUrl, PolicyAllowsPrivateOrChosenNetworks) {
  SsrfPolicy open;
  open.allow_private = true;
  for (const char* url : {"http://127.0.0.1/", "http://[::1]/", "http://169.254.169.254/",
                          "http://10.0.0.1/", "http://[fd00:ec2::254]/"})
    EXPECT_EQ(url_verdict(open, url), "") << url;
  EXPECT_TRUE(url_verdict(open, "ftp://127.0.0.1/").starts_with("bad_url: "));

  SsrfPolicy loopback;
  loopback.allowed_networks = {"127.0.0.0/8", "::1/128"};
  EXPECT_EQ(url_verdict(loopback, "http://127.0.0.1:3000/"), "");
  EXPECT_EQ(url_verdict(loopback, "http://[::1]:3000/"), "");
  EXPECT_TRUE(refused(loopback, "http://169.254.169.254/"));
  EXPECT_TRUE(refused(loopback, "http://[fe80::1]/"));
  EXPECT_TRUE(refused(loopback, "http://192.168.0.1/"));
}

TEST(SsrfUrl, HostNamesAreJudgedByWhatTheyResolveTo) {
  std::map<std::string, std::vector<std::string>> dns = {
      {"public.example", {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"}},
      {"internal.example", {"10.0.0.5"}},
      {"mixed.example", {"93.184.216.34", "169.254.169.254"}},
      {"v6-metadata.example", {"fd00:ec2::254"}},
      {"mapped.example", {"::ffff:127.0.0.1"}},
      {"loopback.example", {"127.0.0.1", "::1"}},
      {"garbage.example", {"not-an-address"}}};
  std::vector<std::string> asked;
  const HostResolver fake = [&](const std::string& host) {
    asked.push_back(host);
    auto it = dns.find(host);
    return it == dns.end() ? std::vector<std::string>{} : it->second;
  };
  const SsrfPolicy strict;
  EXPECT_EQ(url_verdict(strict, "https://public.example/x", fake), "");
  EXPECT_EQ(asked, std::vector<std::string>{"public.example"});  // the bare host, no port
  for (const char* url :
       {"http://internal.example/", "http://mixed.example:8080/", "https://v6-metadata.example/",
        "http://mapped.example/", "http://loopback.example/", "http://garbage.example/"})
    EXPECT_TRUE(refused(strict, url, fake)) << url << " " << url_verdict(strict, url, fake);
  EXPECT_NE(
      url_verdict(strict, "http://mixed.example/", fake).find("169.254.169.254 is link_local"),
      std::string::npos);
  // A name that does not resolve has no address to guard: the request fails by itself.
  EXPECT_EQ(url_verdict(strict, "http://nowhere.example/", fake), "");
  // Literal addresses are never handed to the resolver.
  asked.clear();
  EXPECT_TRUE(refused(strict, "http://10.0.0.1/", fake));
  EXPECT_EQ(url_verdict(strict, "http://8.8.8.8/", fake), "");
  EXPECT_TRUE(asked.empty());
  // Without a resolver a name passes: the caller checks every address it connects to.
  EXPECT_EQ(url_verdict(strict, "http://internal.example/"), "");

  SsrfPolicy loopback;
  loopback.allowed_networks = {"127.0.0.0/8", "::1/128"};
  EXPECT_EQ(url_verdict(loopback, "http://loopback.example/", fake), "");
  EXPECT_EQ(url_verdict(loopback, "http://mapped.example/", fake), "");
  EXPECT_TRUE(refused(loopback, "http://internal.example/", fake));
  SsrfPolicy open;
  open.allow_private = true;
  EXPECT_EQ(url_verdict(open, "http://mixed.example/", fake), "");
}

TEST(SsrfUrl, SystemResolverOnLocalhost) {
  const auto addresses = resolve_host("localhost");
  ASSERT_FALSE(addresses.empty());
  for (const auto& a : addresses) EXPECT_EQ(classify_ip(a), C::loopback) << a;
  const SsrfPolicy strict;
  EXPECT_NE(url_verdict(strict, "http://localhost:8080/", resolve_host).find("is loopback"),
            std::string::npos);
  EXPECT_TRUE(refused(strict, "http://LOCALHOST/", resolve_host));
  SsrfPolicy loopback;
  loopback.allowed_networks = {"127.0.0.0/8", "::1/128"};
  EXPECT_EQ(url_verdict(loopback, "http://localhost/", resolve_host), "");
}

}  // namespace
}  // namespace crawler::crawl

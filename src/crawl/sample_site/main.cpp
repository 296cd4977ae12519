// crawler-sample-site: the sample search site (site.h) as a standalone program, for manual
// runs and benchmarks: `crawler-sample-site [--port N] [--bind ADDR] [--slow-ms N]`.
// Prints the SERP_AD_URL / SERP_ORGANIC_URL to use, then serves until SIGINT or SIGTERM.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "crawl/sample_site/site.h"

int main(int argc, char** argv) {
  using crawler::crawl::sample_site::Options;
  using crawler::crawl::sample_site::Site;
  Options options;
  std::string bind = "127.0.0.1";
  int port = 8089;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--port" && has_value) {
      port = std::atoi(argv[++i]);
    } else if (arg == "--bind" && has_value) {
      bind = argv[++i];
    } else if (arg == "--slow-ms" && has_value) {
      options.slow_delay = std::chrono::milliseconds(std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: crawler-sample-site [--port N] [--bind ADDR] [--slow-ms N]\n";
      return 2;
    }
  }
  if (port < 0 || port > 65535) {
    std::cerr << "invalid port\n";
    return 2;
  }
  // Block the signals before the server's threads start, then wait for one here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Site site(options, bind, static_cast<std::uint16_t>(port));
  site.start();
  std::cout << "SERP_AD_URL=" << site.ad_url_template() << "\n"
            << "SERP_ORGANIC_URL=" << site.organic_url_template() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  site.stop();
  return 0;
}

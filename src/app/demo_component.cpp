#include "app/demo_component.h"

#include "core/log.h"
#include "crawl/sample_site/site.h"
#include "worker/crawl_job.h"

namespace crawler::app {
namespace {

namespace site = crawl::sample_site;

struct DemoKeyword {
  const char* keyword;
  int result_index;  // which of the site's ten AD results is the target (rank = index + 1)
  std::optional<int> target_rank;
  std::vector<std::string> tags;
};

// Ranks 2, 4, 1, 6 and 3; the second's target (1) is better than its rank: an alert.
const std::vector<DemoKeyword>& demo_keywords() {
  static const std::vector<DemoKeyword> keywords = {
      {"강남 맛집", 1, 3, {"demo", "맛집"}},   {"운동화 추천", 3, 1, {"demo", "쇼핑"}},
      {"제주도 여행", 0, 2, {"demo", "여행"}}, {"노트북", 5, std::nullopt, {"demo", "쇼핑"}},
      {"coffee beans", 2, 5, {"demo"}},
  };
  return keywords;
}

class DemoComponent : public Component {
 public:
  DemoComponent(Config& config, Backends& backends) : backends_(backends) {
    site_.start();
    config.crawl_settings["SERP_AD_URL"] = site_.ad_url_template();
    config.crawl_settings["SERP_ORGANIC_URL"] = site_.organic_url_template();
    config.crawl_settings["CRAWL_ALLOW_PRIVATE"] = "1";
    // The sample site's pages are static HTML: a target absent from one is simply not found,
    // with no need of a browser (which a laptop may not have). CRAWL_MODE=browser still wins.
    if (config.crawl_settings["CRAWL_MODE"] == "auto") config.crawl_settings["CRAWL_MODE"] = "http";
    config.crawl_profiles = {"AD", "ORGANIC"};
    logger_.info("demo: sample search site",
                 {{"url", "http://127.0.0.1:" + std::to_string(site_.port())}});
  }

  std::string_view name() const override { return "demo"; }

  void start() override {
    auto store = backends_.store(2);
    auto queue = backends_.queue();
    std::vector<store::Keyword> keywords;
    for (const auto& k : demo_keywords()) {
      const auto target = site::results(k.keyword, site::Page::ad).at(k.result_index).domain;
      try {
        keywords.push_back(store->add_keyword({k.keyword, target, k.tags, k.target_rank}));
      } catch (const store::Conflict& e) {  // seeded by an earlier demo run
        keywords.push_back(*store->get_keyword(e.existing_id));
      }
    }
    worker::enqueue_check_now(*queue, keywords);
    logger_.info("demo: keywords seeded and queued",
                 {{"keywords", static_cast<std::int64_t>(keywords.size())}});
  }

  void stop(std::chrono::steady_clock::time_point) override { site_.stop(); }

 private:
  Backends& backends_;
  site::Site site_;
  log::Logger logger_{"demo"};
};

}  // namespace

std::unique_ptr<Component> make_demo_component(Config& config, Backends& backends) {
  return std::make_unique<DemoComponent>(config, backends);
}

}  // namespace crawler::app

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
  explicit DemoComponent(Backends& backends) : backends_(backends) {
    site_.start();
    logger_.info("demo: sample search site",
                 {{"url", "http://127.0.0.1:" + std::to_string(site_.port())}});
  }

  DemoSite site() const { return {site_.ad_url_template(), site_.organic_url_template()}; }

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

void apply_demo_overrides(Config& config, const DemoSite& site) {
  auto& crawl = config.crawl;
  for (auto& p : crawl.profiles) {
    if (p.rank_type == "AD") p.url_template = site.ad_url_template;
    if (p.rank_type == "ORGANIC") p.url_template = site.organic_url_template;
  }
  crawl.rank_types = {"AD", "ORGANIC"};
  crawl.ssrf.allow_private = true;
  // A target absent from a static page is simply not found: no browser (which a laptop may
  // not have) is needed for that.
  if (crawl.mode == crawl::CrawlMode::automatic) crawl.mode = crawl::CrawlMode::http;
}

Demo start_demo(Backends& backends) {
  auto component = std::make_unique<DemoComponent>(backends);
  auto site = component->site();
  return {std::move(component), std::move(site)};
}

}  // namespace crawler::app

// crawl::extract on the sample site's result pages: the worker's parse step in isolation.
//   build/release/bench/extract_bench [--benchmark_filter=...]
// Alongside run-worker-bench's end-to-end CPU per job, this shows where extraction time goes:
// CSS profiles (class tests), a hand-written XPath profile (libxml2's evaluator) and the
// bare HTML parse.
#include <benchmark/benchmark.h>

#include <string>

#include "crawl/extract.h"
#include "crawl/profile.h"
#include "crawl/sample_site/site.h"

namespace {

using namespace crawler::crawl;

const Profile& default_profile(std::string_view rank_type) {
  static const auto profiles = default_profiles();
  return *find_profile(profiles, rank_type);
}

void run(benchmark::State& state, const Profile& profile, sample_site::Page page) {
  const std::string html = sample_site::render_page("신발 최저가", page);
  std::size_t items = 0;
  for (auto _ : state) {
    auto result = extract(html, profile);
    items += result.items.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["items"] = static_cast<double>(items) / static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(html.size() * state.iterations()));
}

void BM_ExtractAd(benchmark::State& state) {
  run(state, default_profile("AD"), sample_site::Page::ad);
}
void BM_ExtractOrganic(benchmark::State& state) {
  run(state, default_profile("ORGANIC"), sample_site::Page::organic);
}
// The AD selectors written as XPath by hand: evaluated by libxml2 whatever the fast path does.
void BM_ExtractAdXPath(benchmark::State& state) {
  Profile p = default_profile("AD");
  p.items = parse_selector("//li[@class='list_item']");
  p.title = parse_selector(".//*[@class='tit_area']//*[@class='tit']");
  p.display_url = parse_selector(".//*[@class='url_link']");
  run(state, p, sample_site::Page::ad);
}
// Only the HTML parse: a selector that matches nothing.
void BM_ParseOnly(benchmark::State& state) {
  Profile p = default_profile("AD");
  p.items = parse_selector("/nothing");
  run(state, p, sample_site::Page::ad);
}

BENCHMARK(BM_ExtractAd);
BENCHMARK(BM_ExtractOrganic);
BENCHMARK(BM_ExtractAdXPath);
BENCHMARK(BM_ParseOnly);

}  // namespace

BENCHMARK_MAIN();

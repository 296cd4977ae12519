# Tests of crawler_crawl and the sample site, registered with crawler_add_gtest()
# (tests/support/CMakeLists.txt). Guarded like src/redis/tests.cmake so it may be include()d
# from more than one directory.
#
#   crawl_unit_test          pure: CSS→XPath, extraction (fixtures, malformed, hostile), the
#                            rank rule, SSRF classification, proxy sessions, Retry-After,
#                            profiles/config, crawl() over fake fetchers, the sample-site rule
#   crawl_fetch_test         HttpFetcher and crawl() against the sample site on loopback,
#                            a raw server (exact bytes) and an authenticating test proxy
#   crawl_rate_limiter_test  the Redis rate limiter across two pools

if(NOT TARGET crawl_unit_test)
  crawler_add_gtest(crawl_unit_test
    SOURCES
      ${PROJECT_SOURCE_DIR}/tests/unit/crawl_css_xpath_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/crawl_extract_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/crawl_rank_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/crawl_local_rate_limiter_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/crawl_ssrf_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/crawl_proxy_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/crawl_step_test.cpp
    LIBS crawler_crawl crawler_sample_site)
endif()

find_package(ZLIB REQUIRED)  # the exact-bytes test gzips its own canned response
if(NOT TARGET crawl_fetch_test)
  crawler_add_gtest(crawl_fetch_test INTEGRATION
    SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/crawl_fetch_test.cpp
    LIBS crawler_crawl crawler_sample_site ZLIB::ZLIB)
endif()

if(NOT TARGET crawl_rate_limiter_test)
  crawler_add_gtest(crawl_rate_limiter_test INTEGRATION
    SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/crawl_rate_limiter_test.cpp
    LIBS crawler_crawl)
endif()

# The browser fetch method with real Chromium (apt: chromium) against the sample site.
if(NOT TARGET crawl_browser_test)
  crawler_add_gtest(crawl_browser_test INTEGRATION
    SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/crawl_browser_test.cpp
    LIBS crawler_browser crawler_crawl crawler_sample_site)
endif()

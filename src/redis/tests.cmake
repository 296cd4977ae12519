# Tests of crawler_redis, registered with crawler_add_gtest() (tests/support/CMakeLists.txt).
#
# This file may be include()d from tests/unit, from tests/integration, or both: each test is
# guarded by if(NOT TARGET ...) so it is defined exactly once wherever it comes first. The
# INTEGRATION keyword, not the including directory, is what labels a test and gives it the
# shared-services fixture.

# Pure code, no server: URL parsing, Reply, RESP parser and encoder.
if(NOT TARGET redis_unit_test)
  crawler_add_gtest(redis_unit_test
    SOURCES
      ${PROJECT_SOURCE_DIR}/tests/unit/redis_url_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/redis_resp_test.cpp
    LIBS crawler_redis)
endif()

# Against real redis-server processes (plain, password/ACL, TLS; stopped and silent peers).
if(NOT TARGET redis_connection_test)
  crawler_add_gtest(redis_connection_test INTEGRATION
    SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/redis_connection_test.cpp
    LIBS crawler_redis)
endif()

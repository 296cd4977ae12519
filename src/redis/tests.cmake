# Tests of crawler_redis, registered with crawler_add_gtest() (tests/support/CMakeLists.txt).
#
# This file may be include()d from tests/unit, from tests/integration, or both: each test is
# guarded by if(NOT TARGET ...) so it is defined exactly once wherever it comes first. The
# INTEGRATION keyword, not the including directory, is what labels a test and gives it the
# shared-services fixture.

# Pure code, no server: URL parsing, Reply, RESP parser and encoder, backoff, with_retry.
if(NOT TARGET redis_unit_test)
  crawler_add_gtest(redis_unit_test
    SOURCES
      ${PROJECT_SOURCE_DIR}/tests/unit/redis_url_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/redis_resp_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/redis_backoff_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/redis_retry_test.cpp
    LIBS crawler_redis)
endif()

# Against real redis-server processes (plain, password/ACL, TLS; stopped and silent peers),
# including the push primitives (send/read_reply/interrupt/peer_closed).
if(NOT TARGET redis_connection_test)
  crawler_add_gtest(redis_connection_test INTEGRATION
    SOURCES
      ${PROJECT_SOURCE_DIR}/tests/integration/redis_connection_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/integration/redis_connection_push_test.cpp
    LIBS crawler_redis)
endif()

# Pool: concurrency and bounds, outages and restarts (with_retry, worker loop), TLS.
if(NOT TARGET redis_pool_test)
  crawler_add_gtest(redis_pool_test INTEGRATION
    SOURCES
      ${PROJECT_SOURCE_DIR}/tests/integration/redis_pool_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/integration/redis_pool_restart_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/integration/redis_pool_tls_test.cpp
    LIBS crawler_redis)
endif()

# Subscriber: pub/sub messages, patterns, stop(), reconnect and re-subscribe, TLS.
if(NOT TARGET redis_subscriber_test)
  crawler_add_gtest(redis_subscriber_test INTEGRATION
    SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/redis_subscriber_test.cpp
    LIBS crawler_redis)
endif()

# Tests of crawler_queue, registered with crawler_add_gtest() (tests/support/CMakeLists.txt);
# included from tests/integration/CMakeLists.txt. Guarded like src/redis/tests.cmake so that
# including it twice is harmless.
#
# Integration tests drive the real npm bull 4 through tests/peers/bull_peer.js (node and
# tests/peers/node_modules must be installed: scripts/install-deps).

# Pure logic: option JSON, backoff, key names and cluster slots, score encoding, scripts.
if(NOT TARGET queue_unit_test)
  crawler_add_gtest(queue_unit_test
    SOURCES ${PROJECT_SOURCE_DIR}/tests/unit/queue_unit_test.cpp
    LIBS crawler_queue Boost::json)
endif()

# Conformance with npm bull on the shared redis-server.
if(NOT TARGET queue_bull_conformance_test)
  crawler_add_gtest(queue_bull_conformance_test INTEGRATION
    SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/queue_bull_conformance_test.cpp
    LIBS crawler_queue Boost::json)
  target_compile_definitions(queue_bull_conformance_test PRIVATE
    CRAWLER_PEERS_DIR="${PROJECT_SOURCE_DIR}/tests/peers")
endif()

# A consumer process the crash test SIGKILLs in the middle of a job.
if(NOT TARGET queue_test_consumer)
  add_executable(queue_test_consumer ${PROJECT_SOURCE_DIR}/src/queue/testing/queue_test_consumer.cpp)
  target_link_libraries(queue_test_consumer PRIVATE crawler_queue crawler_queue_embedded)
  crawler_target(queue_test_consumer)
endif()

# Crash (SIGKILLed consumer → stalled check), Redis restart under a worker, and TLS + ACL.
foreach(name queue_crash_test queue_restart_test queue_tls_test)
  if(NOT TARGET ${name})
    crawler_add_gtest(${name} INTEGRATION
      SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/${name}.cpp
      LIBS crawler_queue Boost::json)
    target_compile_definitions(${name} PRIVATE
      CRAWLER_PEERS_DIR="${PROJECT_SOURCE_DIR}/tests/peers"
      CRAWLER_QUEUE_TEST_CONSUMER="$<TARGET_FILE:queue_test_consumer>")
    add_dependencies(${name} queue_test_consumer)
  endif()
endforeach()

# The scheduler's deduplicating enqueue, RetryLater and the worker's hand-back on stop.
if(NOT TARGET queue_scheduling_test)
  crawler_add_gtest(queue_scheduling_test INTEGRATION
    SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/queue_scheduling_test.cpp
    LIBS crawler_queue crawler_redis Boost::json)
endif()

# The backend-neutral Queue contract (tests/integration/queue_contract.h), once per backend:
# one suite, two backends. The embedded one needs no server but shares the consumer process.
foreach(backend bull embedded)
  set(name queue_contract_${backend}_test)
  if(NOT TARGET ${name})
    if(backend STREQUAL "bull")
      set(kind INTEGRATION)
    else()
      set(kind "")
    endif()
    crawler_add_gtest(${name} ${kind}
      SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/queue_contract_test.cpp
              ${PROJECT_SOURCE_DIR}/tests/integration/${name}.cpp
      LIBS crawler_queue crawler_queue_embedded crawler_testsupport)
    target_compile_definitions(${name} PRIVATE
      CRAWLER_QUEUE_TEST_CONSUMER="$<TARGET_FILE:queue_test_consumer>")
    add_dependencies(${name} queue_test_consumer)
  endif()
endforeach()

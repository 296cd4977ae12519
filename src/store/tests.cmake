# Tests of crawler_store, registered with crawler_add_gtest() (tests/support/CMakeLists.txt).
# Guarded like src/redis/tests.cmake so it may be include()d from more than one directory.
#
#   store_unit_test      pure helpers (LIKE escaping, text[] literals, bulk status rules)
#   store_postgres_test  the backend-neutral Store contract suite (store_contract.h) on
#                        PostgreSQL, plus PostgreSQL-only checks
#   store_sqlite_test    the same contract sources on SQLite (a file per test in a temporary
#                        directory), plus SQLite-only checks; needs no services
#   store_pool_test      postgres::Pool, including a restart of a PostgreSQL of its own

if(NOT TARGET store_unit_test)
  crawler_add_gtest(store_unit_test
    SOURCES ${PROJECT_SOURCE_DIR}/tests/unit/store_helpers_test.cpp
    LIBS crawler_store)
endif()

set(CRAWLER_STORE_CONTRACT_SOURCES
  ${PROJECT_SOURCE_DIR}/tests/integration/store_keywords_test.cpp
  ${PROJECT_SOURCE_DIR}/tests/integration/store_rankings_test.cpp
  ${PROJECT_SOURCE_DIR}/tests/integration/store_bulk_test.cpp
  ${PROJECT_SOURCE_DIR}/tests/integration/store_concurrency_test.cpp)

if(NOT TARGET store_postgres_test)
  crawler_add_gtest(store_postgres_test INTEGRATION
    SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/store_postgres_test.cpp
            ${CRAWLER_STORE_CONTRACT_SOURCES}
    LIBS crawler_store GTest::gmock)
endif()

if(NOT TARGET store_sqlite_test)
  crawler_add_gtest(store_sqlite_test
    SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/store_sqlite_test.cpp
            ${CRAWLER_STORE_CONTRACT_SOURCES}
    LIBS crawler_store_sqlite crawler_testsupport GTest::gmock)
endif()

if(NOT TARGET store_pool_test)
  crawler_add_gtest(store_pool_test INTEGRATION
    SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/store_pool_test.cpp
    LIBS crawler_store)
endif()

# Tests of crawler_metrics, registered with crawler_add_gtest() (tests/support/CMakeLists.txt);
# included from tests/integration/CMakeLists.txt, guarded so including it twice is harmless.
#
# Node peers (tests/peers/metrics_*.js, node_modules from scripts/install-deps): the
# Prometheus text parser, the AWS SDK's SigV4 signer and its CloudWatch client.

# Pure: registry and text format, SigV4 against the AWS suite, CloudWatch request and EMF
# shapes, the publisher's data and loop, the queue sampler (with a fake queue).
if(NOT TARGET metrics_unit_test)
  crawler_add_gtest(metrics_unit_test
    SOURCES
      ${PROJECT_SOURCE_DIR}/tests/unit/metrics_registry_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/metrics_sigv4_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/unit/metrics_publisher_test.cpp
    LIBS crawler_metrics Boost::json)
  target_compile_definitions(metrics_unit_test PRIVATE
    CRAWLER_SIGV4_SUITE_DIR="${PROJECT_SOURCE_DIR}/tests/data/aws-sigv4-suite")
endif()

# Against Node peers and local HTTP servers (http::Server): /metrics parses with a
# Prometheus parser, our signature equals @smithy/signature-v4's, PutMetricData matches
# @aws-sdk/client-cloudwatch's, the credentials chain against fake ECS and IMDSv2
# endpoints; and the worker registry on the shared Redis.
if(NOT TARGET metrics_integration_test)
  crawler_add_gtest(metrics_integration_test INTEGRATION
    SOURCES
      ${PROJECT_SOURCE_DIR}/tests/integration/metrics_prometheus_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/integration/metrics_cloudwatch_test.cpp
      ${PROJECT_SOURCE_DIR}/tests/integration/metrics_worker_registry_test.cpp
    LIBS crawler_metrics crawler_http Boost::json)
  target_compile_definitions(metrics_integration_test PRIVATE
    CRAWLER_PEERS_DIR="${PROJECT_SOURCE_DIR}/tests/peers")
endif()

# Tests of crawler_events; included from tests/integration/CMakeLists.txt (guarded, like
# src/queue/tests.cmake). The integration tests run the `crawler` binary and real npm peers
# (socket.io-client, ws, bull) through tests/peers/events_peer.js.
if(NOT TARGET events_protocol_test)
  crawler_add_gtest(events_protocol_test
    SOURCES ${PROJECT_SOURCE_DIR}/tests/unit/events_protocol_test.cpp
    LIBS crawler_events Boost::json)
endif()

foreach(name events_socketio_test events_ws_test)
  if(NOT TARGET ${name})
    crawler_add_gtest(${name} INTEGRATION
      SOURCES ${PROJECT_SOURCE_DIR}/tests/integration/${name}.cpp
      LIBS crawler_process_testing Boost::json)
    target_compile_definitions(${name} PRIVATE CRAWLER_PEERS_DIR="${PROJECT_SOURCE_DIR}/tests/peers")
  endif()
endforeach()

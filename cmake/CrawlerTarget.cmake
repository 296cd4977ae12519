# crawler_target(<target>): the settings every target of ours shares: warnings (as errors
# unless CRAWLER_WERROR is off), and the src/ include root so headers read "http/server.h".
function(crawler_target target)
  # -Wno-missing-field-initializers: GCC 12 warns on C++20 designated initializers that leave
  # members to their defaults, which is exactly what they are for (see http::RouteDoc).
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wno-missing-field-initializers)
  if(CRAWLER_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Boost.Asio/Beast settings shared by the few translation units that include them.
set(CRAWLER_ASIO_DEFINITIONS BOOST_ASIO_NO_DEPRECATED)

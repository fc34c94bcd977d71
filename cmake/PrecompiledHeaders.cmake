# Precompiled headers: most sources include the same standard, Boost.Asio
# (through base/task.hpp) and Boost.JSON headers, and parsing them is a
# quarter to a half of a source's compile time; a target parses them once.
# Only headers nearly every source reads anyway. A source that forgets to
# include one of them still builds here; WDRBE_PCH=OFF shows it.
option(WDRBE_PCH "Precompile the common headers" ON)

set(WDRBE_COMMON_HEADERS
  <algorithm> <chrono> <cstdint> <functional> <map> <memory> <optional> <string> <string_view>
  <utility> <variant> <vector>
  <boost/asio/awaitable.hpp> <boost/asio/co_spawn.hpp> <boost/asio/io_context.hpp>
  <boost/asio/use_awaitable.hpp>
  <boost/json/array.hpp> <boost/json/object.hpp> <boost/json/parse.hpp> <boost/json/serialize.hpp>
  <boost/json/value.hpp>)

# `wdrbe_precompile_headers(target [UNOPTIMISED_ONLY] [EXTRA header...])`.
# UNOPTIMISED_ONLY: only in Debug builds. In optimised code GCC 12 reports
# its false -Warray-bounds positive on std::string's inlined memcpy (an
# error with -Werror) when <string> comes from a precompiled header; read
# as a system header, the warning stays silent.
function(wdrbe_precompile_headers target)
  cmake_parse_arguments(PCH "UNOPTIMISED_ONLY" "" "EXTRA" ${ARGN})
  if(NOT WDRBE_PCH OR (PCH_UNOPTIMISED_ONLY AND NOT CMAKE_BUILD_TYPE STREQUAL "Debug"))
    return()
  endif()
  target_precompile_headers(${target} PRIVATE ${WDRBE_COMMON_HEADERS} ${PCH_EXTRA})
endfunction()

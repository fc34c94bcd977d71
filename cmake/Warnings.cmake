# Warnings for wdrbe's own targets only (never for third-party headers).
function(wdrbe_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
                                           -Woverloaded-virtual -Wimplicit-fallthrough)
  # GCC 12 misreads Asio's coroutine-frame allocator (operator new/delete
  # pairs of awaitable frames) as mismatched: a known false positive.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
  endif()
  if(WDRBE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

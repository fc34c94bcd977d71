# WDRBE_SANITIZE: "" (off), "address,undefined" or "thread". Applied to every
# target so that the libraries and tests agree on the runtime.
set(WDRBE_SANITIZE "" CACHE STRING "Sanitizers to build with")
if(WDRBE_SANITIZE)
  add_compile_options(-fsanitize=${WDRBE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${WDRBE_SANITIZE})
endif()

# Checks that sdk/ABI_HASH matches the SDK headers and the ABI version in abi.h.
# Run: cmake -DSDK_DIR=<repo>/sdk -P cmake/CheckSdkAbiHash.cmake [-DUPDATE=ON to rewrite it]
get_filename_component(SDK_DIR "${SDK_DIR}" ABSOLUTE)
file(GLOB_RECURSE headers RELATIVE ${SDK_DIR}/include ${SDK_DIR}/include/*.h)
list(SORT headers)
set(all "")
foreach(h ${headers})
  file(READ ${SDK_DIR}/include/${h} text)
  string(APPEND all "${h}\n${text}\n")
endforeach()
string(SHA256 hash "${all}")
file(READ ${SDK_DIR}/include/mq/sdk/abi.h abi)
string(REGEX MATCH "kAbiMajor = ([0-9]+)" _ "${abi}")
set(major ${CMAKE_MATCH_1})
string(REGEX MATCH "kAbiMinor = ([0-9]+)" _ "${abi}")
set(minor ${CMAKE_MATCH_1})
set(expected "abi ${major}.${minor} sha256 ${hash}")
if(UPDATE)
  file(WRITE ${SDK_DIR}/ABI_HASH "${expected}\n")
  message(STATUS "sdk/ABI_HASH: ${expected}")
  return()
endif()
file(READ ${SDK_DIR}/ABI_HASH recorded)
string(STRIP "${recorded}" recorded)
if(NOT recorded STREQUAL expected)
  message(FATAL_ERROR
    "The SDK headers changed but sdk/ABI_HASH did not.\n"
    "  recorded: ${recorded}\n  now:      ${expected}\n"
    "Decide whether the change breaks plugins built earlier: if it changes any layout, vtable "
    "or meaning, bump kAbiMajor (else kAbiMinor for additions) in sdk/include/mq/sdk/abi.h; "
    "then run: cmake -DSDK_DIR=sdk -DUPDATE=ON -P cmake/CheckSdkAbiHash.cmake")
endif()
message(STATUS "SDK ABI hash matches: ${expected}")

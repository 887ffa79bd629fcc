# rocketmq_cpp_add_plugin(): builds a broker plugin from the installed SDK. Included by
# RocketMQCppSdkConfig.cmake; it applies the same rules as the project's own mq_plugin()
# (cmake/MqTargets.cmake), so a third-party plugin is built exactly like a bundled one.
#
#   rocketmq_cpp_add_plugin(<name> SOURCES <src>... [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# <name> is what operators write in the properties (storePlugin=<name>): [a-z0-9_-]+. The
# result is the MODULE library <name>.so (no "lib" prefix) with
#   - hidden visibility for everything but the entry point (MQ_DEFINE_PLUGIN exports it),
#   - the version script plugin-exports.map: the dynamic symbol table holds mq_plugin_descriptor
#     and the SDK's type info only,
#   - -Wl,--no-undefined: the plugin may use the SDK headers and its own libraries only; the
#     broker exports nothing for it to call,
#   - C++20, position-independent code,
# and, unless NO_INSTALL, an install rule into <prefix>/lib/rocketmq-cpp/plugins.
# Link the plugin's own dependencies with target_link_libraries(<name> PRIVATE ...).

set_property(GLOBAL PROPERTY ROCKETMQ_CPP_SDK_EXPORTS_MAP
             "${CMAKE_CURRENT_LIST_DIR}/plugin-exports.map")

function(rocketmq_cpp_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES")
  if(NOT name MATCHES "^[a-z0-9_-]+$")
    message(FATAL_ERROR "rocketmq_cpp_add_plugin: '${name}' is not a plugin name "
                        "(use lower-case letters, digits, '-' and '_')")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "rocketmq_cpp_add_plugin(${name}): SOURCES is empty")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "rocketmq_cpp_add_plugin(${name}): unknown arguments "
                        "${ARG_UNPARSED_ARGUMENTS}")
  endif()
  get_property(exports_map GLOBAL PROPERTY ROCKETMQ_CPP_SDK_EXPORTS_MAP)

  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
  target_compile_features(${name} PRIVATE cxx_std_20)
  target_link_libraries(${name} PRIVATE rocketmq_cpp::sdk)
  target_link_options(${name} PRIVATE LINKER:--no-undefined LINKER:--exclude-libs,ALL
                      LINKER:--version-script=${exports_map})
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${exports_map})

  # The broker refuses a plugin whose build fingerprint (compiler and version, libstdc++ ABI,
  # SDK ABI) differs from its own: say so now rather than at load time.
  if(DEFINED RocketMQCppSdk_CXX_COMPILER_ID AND
     (NOT CMAKE_CXX_COMPILER_ID STREQUAL RocketMQCppSdk_CXX_COMPILER_ID OR
      NOT CMAKE_CXX_COMPILER_VERSION VERSION_EQUAL RocketMQCppSdk_CXX_COMPILER_VERSION))
    message(WARNING "rocketmq_cpp_add_plugin(${name}): the broker was built with "
                    "${RocketMQCppSdk_CXX_COMPILER_ID} ${RocketMQCppSdk_CXX_COMPILER_VERSION}, "
                    "this project uses ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}: "
                    "the broker will refuse the plugin (build fingerprint mismatch)")
  endif()

  if(NOT ARG_NO_INSTALL)
    set(destination "${RocketMQCppSdk_PLUGIN_SUBDIR}")
    if(NOT destination)
      set(destination lib/rocketmq-cpp/plugins)
    endif()
    install(TARGETS ${name} LIBRARY DESTINATION ${destination})
  endif()
endfunction()

# Helpers shared by every project target.

# mq_project_warnings(target): the warning set of project code (never third-party code).
function(mq_project_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                                           -Wnon-virtual-dtor)
  if(MQ_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# mq_core_library(name SOURCES...): a static library of the core.
function(mq_core_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/core)
  mq_project_warnings(${name})
endfunction()

# mq_plugin(name SOURCES...): a plugin shared object named exactly `name`.so in the plugin
# directory. It sees the SDK and its own dependencies only; --no-undefined proves that it
# resolves nothing from the core at load time.
function(mq_plugin name)
  add_library(${name} MODULE ${ARGN})
  set_target_properties(${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
                                           LIBRARY_OUTPUT_DIRECTORY ${MQ_PLUGIN_OUTPUT_DIR})
  target_link_libraries(${name} PRIVATE mq::sdk)
  # The version script keeps the dynamic symbol table to the entry point and the SDK's type
  # info: -fvisibility=hidden alone leaves std:: and Boost template instances exported.
  target_link_options(${name} PRIVATE LINKER:--no-undefined LINKER:--exclude-libs,ALL
                      LINKER:--version-script=${PROJECT_SOURCE_DIR}/cmake/plugin-exports.map)
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS
               ${PROJECT_SOURCE_DIR}/cmake/plugin-exports.map)
  mq_project_warnings(${name})
  install(TARGETS ${name} LIBRARY DESTINATION ${MQ_PLUGIN_SUBDIR})
endfunction()

# mq_test(name SOURCES... LIBS ...): a GoogleTest executable; each test runs in its own
# process (plugins cannot be unloaded, so tests must not share one).
function(mq_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  mq_project_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
                       PROPERTIES ENVIRONMENT "MQ_BUILD_DIR=${CMAKE_BINARY_DIR}"
                       DISCOVERY_TIMEOUT 30)
endfunction()

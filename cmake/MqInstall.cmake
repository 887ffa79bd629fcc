# Install layout and packaging (included at the end of the top-level CMakeLists.txt, after
# every target is defined).
#
#   <prefix>/bin/{mqnamesrv,mqbroker,mqadmin}            (apps/CMakeLists.txt)
#   <prefix>/lib/rocketmq-cpp/plugins/*.so               (mq_plugin in cmake/MqTargets.cmake)
#   <prefix>/include/mq/sdk/*.h                          (sdk/CMakeLists.txt)
#   <prefix>/lib/cmake/RocketMQCppSdk/                   find_package(RocketMQCppSdk)
#   <prefix>/share/rocketmq-cpp/sdk/                     ABI_HASH, examples/
#   <prefix>/share/rocketmq-cpp/conformance/<suite>/     conformance suite sources
#   <prefix>/bin/mq-<suite>-conformance                  a suite's program, when built
#   <prefix>/share/rocketmq-cpp/conf/                    sample properties
#
# The apps find their plugins at <exe>/../lib/rocketmq-cpp/plugins, so an install tree works
# wherever it is unpacked, with no RPATH or environment variable for the plugins.

# Conformance suites (tests/conformance/<suite>/): their sources are installed for authors, and
# the suite's test program, when this build has it (test_<suite>_conformance, built with the
# tests), is installed as bin/mq-<suite>-conformance: run it against any plugin .so, e.g.
#   MQ_STORE_PLUGIN=/path/to/my-store.so mq-store-conformance
# The glob runs when the project is configured: re-run cmake after a suite is added. OPTIONAL:
# installing a tree whose tests were not built skips the program.
file(GLOB MQ_CONFORMANCE_SUITES LIST_DIRECTORIES true
     ${PROJECT_SOURCE_DIR}/tests/conformance/*)
foreach(suite_dir ${MQ_CONFORMANCE_SUITES})
  if(IS_DIRECTORY ${suite_dir})
    get_filename_component(suite ${suite_dir} NAME)
    install(DIRECTORY ${suite_dir}/ DESTINATION share/rocketmq-cpp/conformance/${suite}
            COMPONENT sdk
            FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp" PATTERN "*.cpp" PATTERN "*.cmake"
                           PATTERN "CMakeLists.txt" PATTERN "*.md" PATTERN "*.sh")
    if(TARGET test_${suite}_conformance)
      install(PROGRAMS $<TARGET_FILE:test_${suite}_conformance> DESTINATION bin
              RENAME mq-${suite}-conformance OPTIONAL COMPONENT conformance)
    endif()
  endif()
endforeach()
if(EXISTS ${PROJECT_SOURCE_DIR}/tests/conformance/README.md)
  install(FILES ${PROJECT_SOURCE_DIR}/tests/conformance/README.md
          DESTINATION share/rocketmq-cpp/conformance COMPONENT sdk)
endif()

install(FILES ${PROJECT_SOURCE_DIR}/conf/broker.properties ${PROJECT_SOURCE_DIR}/conf/namesrv.properties
        DESTINATION share/rocketmq-cpp/conf)
install(FILES ${PROJECT_SOURCE_DIR}/docs/PLUGINS.md DESTINATION share/doc/rocketmq-cpp OPTIONAL)

# `cpack -G DEB` (run in the build directory after a build) makes a .deb of the whole install
# tree under /usr: /usr/bin/mqbroker finds /usr/lib/rocketmq-cpp/plugins.
set(CPACK_PACKAGE_NAME rocketmq-cpp)
set(CPACK_PACKAGE_VENDOR "rocketmq-cpp")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Apache RocketMQ 4.x compatible broker, name server and admin tool, with the plugin SDK")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "rocketmq-cpp maintainers")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)

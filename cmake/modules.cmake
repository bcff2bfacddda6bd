# copycat_module(NAME SOURCES ... DEPS ...): one static library per folder under src/,
# named copycat_<NAME>. Headers are included root-relative ("image/reference.h").
function(copycat_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(copycat_${name} STATIC ${ARG_SOURCES})
  target_include_directories(copycat_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(copycat_${name} PRIVATE ${COPYCAT_WARNINGS})
  target_link_libraries(copycat_${name} PUBLIC ${ARG_DEPS})
endfunction()

# copycat_test(NAME SOURCES ... DEPS ... [LABELS ...]): one gtest binary, tests discovered
# into ctest with the given labels (default "unit").
function(copycat_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/test)
  target_compile_options(${name} PRIVATE ${COPYCAT_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
      COPYCAT_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/test/data"
      COPYCAT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
      COPYCAT_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name}
      PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
      DISCOVERY_TIMEOUT 60)
endfunction()

# copycat_add_subdirectories(): add_subdirectory() for every folder of the current source dir
# that has a CMakeLists.txt, in name order (src/ modules, test/ folders, bench/ programs).
# Macro, not function: a subdirectory's targets and cache must land in the caller's scope.
macro(copycat_add_subdirectories)
  file(GLOB _copycat_children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} *)
  list(SORT _copycat_children)
  foreach(_copycat_child IN LISTS _copycat_children)
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${_copycat_child}
       AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${_copycat_child}/CMakeLists.txt)
      add_subdirectory(${_copycat_child})
    endif()
  endforeach()
endmacro()

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

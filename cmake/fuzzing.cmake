# copycat_fuzzer(NAME SOURCES ... DEPS ... CORPUS DIR): a libFuzzer-style target
# (LLVMFuzzerTestOneInput). Under g++ it links test/support/fuzz_replay_main.cc, which replays
# the checked-in corpus plus deterministic mutations of it; ctest runs that with label "fuzz".
# With clang and -DCOPYCAT_LIBFUZZER=ON it becomes a real coverage-guided fuzzer.
option(COPYCAT_LIBFUZZER "Build fuzz targets with clang's -fsanitize=fuzzer" OFF)

function(copycat_fuzzer name)
  cmake_parse_arguments(ARG "" "CORPUS" "SOURCES;DEPS" ${ARGN})
  if(COPYCAT_LIBFUZZER)
    add_executable(${name} ${ARG_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address)
  else()
    add_executable(${name} ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/test/support/fuzz_replay_main.cc)
  endif()
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/test)
  target_compile_options(${name} PRIVATE ${COPYCAT_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  add_test(NAME ${name} COMMAND ${name} ${ARG_CORPUS})
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()

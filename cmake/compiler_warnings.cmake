# Warnings every copycat target is compiled with. CI presets add -Werror.
set(COPYCAT_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
    -Woverloaded-virtual -Wdouble-promotion -Wformat=2
    -Wimplicit-fallthrough -Wmisleading-indentation)
# GCC 12 reports -Wnull-dereference false positives inside inlined third-party headers
# (CLI11) at -O2, so the check runs in unoptimised builds only.
list(APPEND COPYCAT_WARNINGS $<$<CONFIG:Debug>:-Wnull-dereference>)
if(COPYCAT_WERROR)
  list(APPEND COPYCAT_WARNINGS -Werror)
endif()

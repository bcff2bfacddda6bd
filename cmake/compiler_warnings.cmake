# Warnings every copycat target is compiled with. CI presets add -Werror.
set(COPYCAT_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
    -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2
    -Wimplicit-fallthrough -Wmisleading-indentation)
if(COPYCAT_WERROR)
  list(APPEND COPYCAT_WARNINGS -Werror)
endif()

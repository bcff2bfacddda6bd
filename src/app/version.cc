#include "app/version.h"

namespace copycat::app {

std::string_view version() { return COPYCAT_VERSION; }

}  // namespace copycat::app

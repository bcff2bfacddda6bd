#pragma once

#include <string_view>

namespace copycat::app {

// The release version, e.g. "0.1.0"; also used in the User-Agent "copycat/<version>".
std::string_view version();

}  // namespace copycat::app

// Process-wide libcurl initialisation.
#pragma once

namespace copycat::http {

// Calls curl_global_init once per process; later calls return immediately. Thread-safe.
// libcurl is never globally cleaned up: handles may live until exit.
void ensureCurlGlobalInit();

}  // namespace copycat::http

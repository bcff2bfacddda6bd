// Private pieces shared by the FakeApiServer source files.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>

#include <httplib.h>

#include "support/fake_api_objects.h"
#include "support/fake_api_server.h"

namespace copycat::testing {

struct FakeApiServer::Route {
  const fakeapi::ResourceInfo* resource = nullptr;
  std::string ns;    // "" for cluster-scoped resources and cluster-wide lists
  std::string name;  // "" for collections
};

struct FakeApiServer::ListParams {
  size_t limit = 0;
  std::string rv;
  std::string match;
  std::optional<fakeapi::ContinueToken> cont;
};

// One open watch stream; owned by its chunked content provider.
struct FakeApiServer::WatchSession {
  const fakeapi::ResourceInfo* resource = nullptr;
  std::string ns;
  uint64_t cursor = 0;                       // events up to here were sent
  std::deque<fakeapi::ObjectPtr> initial;    // synthetic ADDED events still to send
  bool initial_events_end_bookmark = false;  // sendInitialEvents=true
  bool bookmarks = false;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::chrono::steady_clock::time_point last_bookmark{};  // or the watch start
  uint64_t close_epoch = 0;
  uint64_t error_epoch = 0;
  int drop_after = 0;
  bool drop_abrupt = false;
  int sent = 0;
};

namespace fakeapi {

struct RouteParts {
  const ResourceInfo* resource = nullptr;
  std::string ns;
  std::string name;
  bool namespaced_path = false;
};

// Parses /api/v1/..., /apis/<group>/<version>/... paths; nullopt for anything else.
std::optional<RouteParts> parseRoute(const std::string& path);
void writeError(httplib::Response& res, const ApiError& error);
// Go's strconv.ParseBool truth values.
bool parseBoolParam(const std::string& value);

// Actions a watch step asks of its provider.
inline constexpr int kWatchContinue = 0;
inline constexpr int kWatchDone = 1;   // end cleanly (terminating chunk)
inline constexpr int kWatchAbort = 2;  // drop the connection

}  // namespace fakeapi
}  // namespace copycat::testing

#include "kube/resource_path.h"

#include <utility>
#include <vector>

#include "http/url.h"

namespace copycat::kube {

std::string ResourcePath::str() const {
  std::string out = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (!namespace_name.empty()) {
    out += "/namespaces/" + http::percentEncode(namespace_name);
  }
  out += "/" + resource;
  if (!name.empty()) {
    out += "/" + http::percentEncode(name);
    if (!subresource.empty()) {
      out += "/" + subresource;
    }
  }
  return out;
}

ResourcePath ResourcePath::forKind(workload::Kind kind, std::string namespace_name,
                                   std::string name) {
  ResourcePath path;
  path.group = std::string(workload::apiGroup(kind));
  path.resource = std::string(workload::resourceName(kind));
  // Nodes are cluster-scoped: a namespace would make the path invalid.
  if (kind != workload::Kind::kNode) {
    path.namespace_name = std::move(namespace_name);
  }
  path.name = std::move(name);
  return path;
}

ResourcePath ResourcePath::namespaces(std::string name) {
  ResourcePath path;
  path.resource = "namespaces";
  path.name = std::move(name);
  return path;
}

ResourcePath ResourcePath::withName(std::string object_name) const {
  ResourcePath path = *this;
  path.name = std::move(object_name);
  return path;
}

namespace {

std::string joinQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    out += out.empty() ? "?" : "&";
    out += key + "=" + http::percentEncode(value);
  }
  return out;
}

}  // namespace

std::string listQuery(const ListOptions& options) {
  std::vector<std::pair<std::string, std::string>> params;
  if (options.limit > 0) {
    params.emplace_back("limit", std::to_string(options.limit));
  }
  if (!options.continue_token.empty()) {
    params.emplace_back("continue", options.continue_token);
  }
  if (!options.resource_version.empty()) {
    params.emplace_back("resourceVersion", options.resource_version);
  }
  if (!options.resource_version_match.empty()) {
    params.emplace_back("resourceVersionMatch", options.resource_version_match);
  }
  return joinQuery(params);
}

std::string watchQuery(const WatchOptions& options) {
  std::vector<std::pair<std::string, std::string>> params{{"watch", "true"}};
  if (!options.resource_version.empty()) {
    params.emplace_back("resourceVersion", options.resource_version);
  }
  if (options.allow_bookmarks) {
    params.emplace_back("allowWatchBookmarks", "true");
  }
  if (options.timeout_seconds > 0) {
    params.emplace_back("timeoutSeconds", std::to_string(options.timeout_seconds));
  }
  return joinQuery(params);
}

}  // namespace copycat::kube

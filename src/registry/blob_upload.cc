// RegistryClient's push side (distribution-spec "Pushing blobs"): upload sessions, the
// monolithic POST + PUT, the chunked PATCH fallback, and cross-repository mounts.
#include <algorithm>

#include <fmt/format.h>

#include "base/log.h"
#include "http/url.h"
#include "registry/registry_client.h"

namespace copycat::registry {
namespace {

constexpr std::string_view kOctetStream = "application/octet-stream";

// Statuses with which a registry says it does not take a whole blob in one PUT: 405 Method Not
// Allowed, 416 Range Not Satisfiable, 501 Not Implemented, or 400 UNSUPPORTED. Other 400s
// (DIGEST_INVALID, SIZE_INVALID, ...) are real failures.
bool refusesMonolithic(const http::Response& response, const Error& error) {
  if (response.status == 405 || response.status == 416 || response.status == 501) {
    return true;
  }
  return response.status == 400 && error.remote_code == "UNSUPPORTED";
}

std::string withDigest(const std::string& session, std::string_view digest) {
  return http::appendQueryParams(session, {{"digest", std::string(digest)}});
}

}  // namespace

// Spec "Pushing blobs": the Location of a 202 may be relative or absolute and may carry a
// query (kept: the digest is appended with '&').
Result<std::string> RegistryClient::uploadLocation(const http::Response& response,
                                                   std::string_view what) const {
  auto location = response.headers.get("Location");
  if (!location || location->empty()) {
    return fail(ErrorCode::kProtocol,
                fmt::format("{}: http {} without a Location header", what, response.status));
  }
  auto resolved = http::resolveReference(response.effective_url, *location);
  if (!resolved) {
    return fail(ErrorCode::kProtocol,
                fmt::format("{}: unusable Location: {}", what, resolved.error().message));
  }
  return resolved;
}

Result<MountResult> RegistryClient::blobMount(std::string_view repo, std::string_view digest,
                                              std::string_view from_repo, const CallContext& ctx) {
  std::string what =
      fmt::format("mounting blob {} from {} into {}/{}", digest, from_repo, host(), repo);
  http::Request request{.method = "POST",
                        .url = http::appendQueryParams(
                            fmt::format("/v2/{}/blobs/uploads/", repo),
                            {{"mount", std::string(digest)}, {"from", std::string(from_repo)}})};
  // Token spec: one token covering push on the target and pull on the source repository.
  std::vector<std::string> scopes = {auth::pushScope(repo)};
  if (from_repo != repo) {
    scopes.push_back(auth::pullScope(from_repo));
  }
  ASSIGN_OR_RETURN(http::Response response, transport_.send(std::move(request), scopes, ctx));
  if (response.status == 201) {
    return MountResult{.mounted = true, .upload_location = {}};
  }
  if (response.status == 202) {
    ASSIGN_OR_RETURN(std::string location, uploadLocation(response, what));
    return MountResult{.mounted = false, .upload_location = std::move(location)};
  }
  return fail(responseError(response, what));
}

Result<MountResult> RegistryClient::blobFindOrStartUpload(std::string_view repo,
                                                          std::string_view digest,
                                                          const CallContext& ctx) {
  if (!self_mount_refused_.load()) {
    auto found = blobMount(repo, digest, repo, ctx);
    // Spec "Mounting a blob": a registry unable to mount answers 202; one that answers another
    // 4xx does not take mount requests at all, and HEAD + POST give the real answer.
    bool refused = !found && found.error().http_status >= 400 && found.error().http_status < 500 &&
                   found.error().code != ErrorCode::kUnauthenticated;
    if (!refused) {
      return found;
    }
    self_mount_refused_.store(true);
    LOG_INFO("registry", "registry refused a blob mount; checking blobs with HEAD from now on",
             {{"registry", host()}, {"status", found.error().http_status}});
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> present, blobHead(repo, digest, ctx));
  if (present) {
    return MountResult{.mounted = true, .upload_location = {}};
  }
  ASSIGN_OR_RETURN(std::string session, blobUploadStart(repo, ctx));
  return MountResult{.mounted = false, .upload_location = std::move(session)};
}

Result<std::string> RegistryClient::blobUploadStart(std::string_view repo, const CallContext& ctx) {
  std::string what = fmt::format("starting blob upload to {}/{}", host(), repo);
  http::Request request{.method = "POST", .url = fmt::format("/v2/{}/blobs/uploads/", repo)};
  ASSIGN_OR_RETURN(http::Response response,
                   transport_.send(std::move(request), {auth::pushScope(repo)}, ctx));
  if (response.status != 202) {
    return fail(response.isSuccess()
                    ? Error{ErrorCode::kProtocol,
                            fmt::format("{}: expected 202, got {}", what, response.status)}
                    : responseError(response, what));
  }
  return uploadLocation(response, what);
}

Status RegistryClient::blobUpload(std::string_view repo, std::string_view digest, int64_t size,
                                  const http::BodySource& source, const CallContext& ctx,
                                  std::string session) {
  if (session.empty()) {
    ASSIGN_OR_RETURN(session, blobUploadStart(repo, ctx));
  }
  if (chunked_.load()) {
    return uploadChunked(repo, digest, size, source, std::move(session), ctx);
  }
  return uploadMonolithic(repo, digest, size, source, session, ctx);
}

Status RegistryClient::uploadMonolithic(std::string_view repo, std::string_view digest,
                                        int64_t size, const http::BodySource& source,
                                        const std::string& session, const CallContext& ctx) {
  std::string what = fmt::format("uploading blob {} to {}/{}", digest, host(), repo);
  http::Request request{.method = "PUT", .url = withDigest(session, digest)};
  request.headers.set("Content-Type", std::string(kOctetStream));
  request.body_source = source;
  request.content_length = size;
  ASSIGN_OR_RETURN(http::Response response,
                   transport_.send(std::move(request), {auth::pushScope(repo)}, ctx));
  if (response.isSuccess()) {
    return ok();
  }
  Error error = responseError(response, what);
  if (refusesMonolithic(response, error)) {
    chunked_.store(true);
    LOG_WARN("registry", "registry refused a monolithic blob upload; switching to chunked",
             {{"registry", host()}, {"status", response.status}});
    return fail(ErrorCode::kUnavailable,
                fmt::format("{}: registry refused a monolithic upload (http {}); later uploads "
                            "are chunked",
                            what, response.status));
  }
  return fail(std::move(error));
}

Status RegistryClient::uploadChunked(std::string_view repo, std::string_view digest, int64_t size,
                                     const http::BodySource& source, std::string session,
                                     const CallContext& ctx) {
  std::string what = fmt::format("uploading blob {} to {}/{} in chunks", digest, host(), repo);
  int64_t chunk = static_cast<int64_t>(std::max<size_t>(options_.chunk_bytes, 1));
  for (int64_t offset = 0; offset < size;) {
    int64_t length = std::min(chunk, size - offset);
    int64_t left = length;
    http::Request request{.method = "PATCH", .url = session};
    request.headers.set("Content-Type", std::string(kOctetStream));
    // OCI distribution-spec "Pushing a blob in chunks": Content-Range is "<start>-<end>".
    request.headers.set("Content-Range", fmt::format("{}-{}", offset, offset + length - 1));
    request.content_length = length;
    request.body_source = [&source, &left](char* buffer, size_t max) -> Result<size_t> {
      if (left == 0) {
        return size_t{0};
      }
      auto n = source(buffer, std::min<size_t>(max, static_cast<size_t>(left)));
      if (n) {
        left -= static_cast<int64_t>(*n);
      }
      return n;
    };
    ASSIGN_OR_RETURN(http::Response response,
                     transport_.send(std::move(request), {auth::pushScope(repo)}, ctx));
    if (response.status != 202) {
      return fail(response.isSuccess()
                      ? Error{ErrorCode::kProtocol,
                              fmt::format("{}: expected 202, got {}", what, response.status)}
                      : responseError(response, what));
    }
    ASSIGN_OR_RETURN(session, uploadLocation(response, what));
    offset += length;
  }
  return finishUpload(repo, digest, session, ctx);
}

Status RegistryClient::finishUpload(std::string_view repo, std::string_view digest,
                                    const std::string& session, const CallContext& ctx) {
  std::string what = fmt::format("completing upload of blob {} to {}/{}", digest, host(), repo);
  http::Request request{.method = "PUT", .url = withDigest(session, digest)};
  request.headers.set("Content-Type", std::string(kOctetStream));
  ASSIGN_OR_RETURN(http::Response response,
                   transport_.send(std::move(request), {auth::pushScope(repo)}, ctx));
  return response.isSuccess() ? ok() : fail(responseError(response, what));
}

}  // namespace copycat::registry

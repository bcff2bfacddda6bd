#include "registry/registry_client.h"

#include <charconv>

#include <fmt/format.h>

#include "base/strings.h"
#include "image/digest.h"
#include "image/media_types.h"

namespace copycat::registry {
namespace {

namespace mt = image::media_types;

// Schema 1 is deliberately absent: registries then serve schema 2 or fail, never a v1 manifest
// whose digest would change on conversion.
std::string manifestAccept() {
  return fmt::format("{}, {}, {}, {}", mt::kOciIndex, mt::kDockerManifestList, mt::kOciManifest,
                     mt::kDockerManifestSchema2);
}

std::string mediaTypeOf(const http::Response& response) {
  std::string value = response.headers.get("Content-Type").value_or("");
  size_t semicolon = value.find(';');
  return std::string(strings::trim(std::string_view(value).substr(0, semicolon)));
}

int64_t contentLength(const http::Response& response) {
  auto value = response.headers.get("Content-Length");
  if (!value) {
    return -1;
  }
  std::string_view text = strings::trim(*value);
  int64_t size = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), size);
  return ec == std::errc() && end == text.data() + text.size() ? size : -1;
}

std::vector<std::string> readScopes(std::string_view repo, const CallContext& ctx) {
  return {ctx.push ? auth::pushScope(repo) : auth::pullScope(repo)};
}

bool isDigest(std::string_view reference) { return reference.find(':') != std::string_view::npos; }

Status refuseSchema1(std::string_view media_type, std::string_view what) {
  if (mt::isSchema1MediaType(media_type)) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: schema 1 manifests are not supported ({})", what, media_type));
  }
  return ok();
}

// The digest the fetched bytes must have, checked; returns the manifest's digest.
Result<std::string> verifiedDigest(std::string_view bytes, std::string_view reference,
                                   const http::Response& response, std::string_view what) {
  std::string expected = isDigest(reference)
                             ? std::string(reference)
                             : response.headers.get("Docker-Content-Digest").value_or("");
  if (expected.empty()) {
    return image::Digest::ofSha256(bytes).str();
  }
  auto digest = image::Digest::parse(expected);
  if (!digest) {
    return fail(ErrorCode::kProtocol,
                fmt::format("{}: invalid digest {}: {}", what, expected, digest.error().message));
  }
  if (!digest->verify(bytes)) {
    return fail(ErrorCode::kDigestMismatch,
                fmt::format("{}: manifest content does not match digest {} (got {})", what,
                            expected, image::Digest::ofSha256(bytes).str()));
  }
  return expected;
}

}  // namespace

RegistryClient::RegistryClient(http::HttpClient& http, auth::Authenticator& auth, Options options)
    : options_(std::move(options)),
      transport_(http, auth,
                 RegistryTransport::Options{.host = options_.host,
                                            .insecure = options_.insecure,
                                            .retry = options_.retry,
                                            .request_timeout = options_.request_timeout,
                                            .user_agent = options_.user_agent,
                                            .observer = options_.observer}),
      chunked_(options_.force_chunked) {}

Result<ManifestDescriptor> RegistryClient::manifestHead(std::string_view repo,
                                                        std::string_view reference,
                                                        const CallContext& ctx) {
  std::string what = fmt::format("HEAD manifest {}/{}:{}", host(), repo, reference);
  http::Request request{.method = "HEAD",
                        .url = fmt::format("/v2/{}/manifests/{}", repo, reference)};
  request.headers.set("Accept", manifestAccept());
  ASSIGN_OR_RETURN(http::Response response,
                   transport_.send(std::move(request), readScopes(repo, ctx), ctx));
  if (!response.isSuccess()) {
    return fail(responseError(response, what));
  }
  ManifestDescriptor out{.digest = response.headers.get("Docker-Content-Digest").value_or(""),
                         .media_type = mediaTypeOf(response),
                         .size = contentLength(response)};
  if (out.digest.empty() && isDigest(reference)) {
    out.digest = std::string(reference);
  }
  RETURN_IF_ERROR(refuseSchema1(out.media_type, what));
  return out;
}

Result<ManifestContent> RegistryClient::manifestGet(std::string_view repo,
                                                    std::string_view reference,
                                                    const CallContext& ctx) {
  std::string what = fmt::format("GET manifest {}/{}:{}", host(), repo, reference);
  http::Request request{.method = "GET",
                        .url = fmt::format("/v2/{}/manifests/{}", repo, reference)};
  request.headers.set("Accept", manifestAccept());
  request.max_body_bytes = kMaxManifestBytes;
  auto response = transport_.send(std::move(request), readScopes(repo, ctx), ctx);
  if (!response) {
    return fail(response.error().withContext(what));
  }
  if (!response->isSuccess()) {
    return fail(responseError(*response, what));
  }
  std::string content_type = mediaTypeOf(*response);
  RETURN_IF_ERROR(refuseSchema1(content_type, what));
  ASSIGN_OR_RETURN(std::string digest, verifiedDigest(response->body, reference, *response, what));
  auto parsed = parseManifest(response->body, content_type);
  if (!parsed) {
    return fail(parsed.error().withContext(what));
  }
  std::string media_type = parsed->media_type;
  return ManifestContent{.bytes = std::move(response->body),
                         .media_type = std::move(media_type),
                         .digest = std::move(digest),
                         .parsed = std::move(*parsed)};
}

Result<std::string> RegistryClient::manifestPut(std::string_view repo, std::string_view reference,
                                                std::string_view bytes, std::string_view media_type,
                                                const CallContext& ctx) {
  std::string what = fmt::format("PUT manifest {}/{}:{}", host(), repo, reference);
  http::Request request{.method = "PUT",
                        .url = fmt::format("/v2/{}/manifests/{}", repo, reference)};
  request.headers.set("Content-Type", std::string(media_type));
  request.body = std::string(bytes);
  ASSIGN_OR_RETURN(http::Response response,
                   transport_.send(std::move(request), {auth::pushScope(repo)}, ctx));
  if (!response.isSuccess()) {
    return fail(responseError(response, what));
  }
  std::string digest = image::Digest::ofSha256(bytes).str();
  std::string reported = response.headers.get("Docker-Content-Digest").value_or("");
  if (!reported.empty() && reported.starts_with("sha256:") && reported != digest) {
    return fail(ErrorCode::kDigestMismatch,
                fmt::format("{}: registry reports digest {}, pushed bytes have {}", what, reported,
                            digest));
  }
  return digest;
}

Result<std::optional<int64_t>> RegistryClient::blobHead(std::string_view repo,
                                                        std::string_view digest,
                                                        const CallContext& ctx) {
  std::string what = fmt::format("HEAD blob {}/{}@{}", host(), repo, digest);
  http::Request request{.method = "HEAD", .url = fmt::format("/v2/{}/blobs/{}", repo, digest)};
  ASSIGN_OR_RETURN(http::Response response,
                   transport_.send(std::move(request), readScopes(repo, ctx), ctx));
  if (response.status == 404) {
    return std::optional<int64_t>();
  }
  if (!response.isSuccess()) {
    return fail(responseError(response, what));
  }
  return std::optional<int64_t>(contentLength(response));
}

Status RegistryClient::blobGet(std::string_view repo, std::string_view digest, http::BodySink sink,
                               const CallContext& ctx) {
  std::string what = fmt::format("GET blob {}/{}@{}", host(), repo, digest);
  http::Request request{.method = "GET", .url = fmt::format("/v2/{}/blobs/{}", repo, digest)};
  request.body_sink = std::move(sink);
  auto response = transport_.send(std::move(request), readScopes(repo, ctx), ctx);
  if (!response) {
    return fail(response.error().withContext(what));
  }
  if (!response->isSuccess()) {
    return fail(responseError(*response, what));
  }
  return ok();
}

}  // namespace copycat::registry

// skopeo wrappers for assertions: an independent client (containers/image) that reads what the
// registry serves.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "base/strings.h"
#include "support/harness_process.h"
#include "support/image_fixture.h"
#include "support/registry_harness.h"

namespace copycat::testing {
namespace {

bool isDocker(const std::string& ref) { return ref.rfind("docker://", 0) == 0; }

// Flags for one side; `prefix` is "", "src-" or "dest-".
void addFlags(std::vector<std::string>* args, const std::string& prefix, const SkopeoOptions& o) {
  args->push_back("--" + prefix + "tls-verify=" + (o.tls_verify ? "true" : "false"));
  if (!o.cert_dir.empty()) {
    args->push_back("--" + prefix + "cert-dir=" + o.cert_dir);
  }
  if (!o.username.empty()) {
    args->push_back("--" + prefix + "creds=" + o.username + ":" + o.password);
  } else {
    args->push_back("--" + prefix + "no-creds");
  }
}

Result<CommandResult> runSkopeo(std::vector<std::string> args, std::chrono::milliseconds timeout) {
  args.insert(args.begin(), {"skopeo", "--insecure-policy"});
  CommandOptions co;
  co.timeout = timeout;
  // No ambient credentials or registry mirrors: the test decides everything.
  co.env = {"REGISTRY_AUTH_FILE=/dev/null/copycat-no-auth.json"};
  ASSIGN_OR_RETURN(CommandResult r, runCommand(args, co));
  if (r.exit_code != 0) {
    // stderr only: the command line may hold test credentials.
    return fail(ErrorCode::kUnavailable, "skopeo " + args[2] + " failed (exit " +
                                             std::to_string(r.exit_code) +
                                             "): " + std::string(strings::trim(r.err)));
  }
  return r;
}

}  // namespace

Result<std::string> skopeoInspectRaw(const std::string& ref, const SkopeoOptions& options) {
  std::vector<std::string> args = {"inspect", "--raw"};
  if (isDocker(ref)) {
    addFlags(&args, "", options);
  }
  args.push_back(ref);
  ASSIGN_OR_RETURN(CommandResult r, runSkopeo(args, options.timeout));
  return r.out;
}

Result<std::string> skopeoDigest(const std::string& ref, const SkopeoOptions& options) {
  ASSIGN_OR_RETURN(std::string raw, skopeoInspectRaw(ref, options));
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/copycat-manifest-XXXXXX";
  int fd = mkstemp(templ.data());
  if (fd < 0) {
    return fail(ErrorCode::kInternal, "mkstemp failed");
  }
  close(fd);
  std::ofstream(templ, std::ios::binary | std::ios::trunc) << raw;
  // skopeo computes the digest itself (manifest.Digest), independently of the harness.
  auto r = runSkopeo({"manifest-digest", templ}, options.timeout);
  std::error_code ignored;
  std::filesystem::remove(templ, ignored);
  if (!r) {
    return fail(r.error());
  }
  return std::string(strings::trim(r->out));
}

Status skopeoCopy(const std::string& src, const std::string& dst, const SkopeoOptions& src_options,
                  const SkopeoOptions& dst_options, bool all, bool preserve_digests) {
  std::vector<std::string> args = {"copy", "--retry-times=0"};
  if (all) {
    args.push_back("--all");
  }
  if (preserve_digests) {
    args.push_back("--preserve-digests");
  }
  if (isDocker(src)) {
    addFlags(&args, "src-", src_options);
  }
  if (isDocker(dst)) {
    addFlags(&args, "dest-", dst_options);
  }
  args.push_back(src);
  args.push_back(dst);
  auto timeout = std::max(src_options.timeout, dst_options.timeout);
  RETURN_IF_ERROR(runSkopeo(args, timeout));
  return ok();
}

SkopeoOptions SkopeoOptions::forRegistry(const RegistryProcess& registry, std::string username,
                                         std::string password) {
  SkopeoOptions o;
  o.tls_verify = registry.tls();
  o.cert_dir = registry.certDir();
  o.username = std::move(username);
  o.password = std::move(password);
  return o;
}

Status skopeoPush(const ImageFixture& fixture, const FixtureImage& image,
                  const std::string& dest_ref, const SkopeoOptions& options) {
  if (image.root.media_type != fixture_media::kOciManifest &&
      image.root.media_type != fixture_media::kOciIndex) {
    return fail(ErrorCode::kInvalidArgument,
                "skopeo cannot read " + image.root.media_type +
                    " from an OCI layout: push it with RegistryHttpClient::push");
  }
  return skopeoCopy(fixture.ociRef(image.tag), dest_ref, {}, options, true, true);
}

}  // namespace copycat::testing

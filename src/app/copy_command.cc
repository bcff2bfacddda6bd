#include "app/copy_command.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "app/config_flags.h"
#include "app/copy_progress.h"
#include "app/ecr_target.h"
#include "app/registry_options.h"
#include "aws/endpoints.h"
#include "base/log.h"
#include "image/platform.h"
#include "image/reference.h"
#include "registry/image_copier.h"

namespace copycat::app {
namespace {

struct CopyFlags {
  ConfigFlags config;
  std::string source;
  std::string destination;
  std::vector<std::string> platforms;
  std::string src_creds;
  std::string dest_creds;
  std::vector<std::string> insecure_registries;
  std::string ca_file;
  int jobs = 0;  // 0 = registryConcurrency from the configuration
  bool dry_run = false;
  bool create_repo = false;
  std::string output = "text";
};

Result<registry::auth::RegistryAuth> parseCreds(const std::string& text, std::string_view flag) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) {
    return fail(ErrorCode::kInvalidArgument, fmt::format("{} must be USER:PASSWORD", flag));
  }
  return registry::auth::RegistryAuth{.username = text.substr(0, colon),
                                      .password = text.substr(colon + 1),
                                      .identity_token = {},
                                      .registry_token = {},
                                      .source = std::string(flag)};
}

// DST may omit tag and digest: the source's identifier is used (skopeo/crane behaviour).
Result<image::Reference> destinationFor(const std::string& text, const image::Reference& src) {
  ASSIGN_OR_RETURN(auto dst, image::parseNormalizedNamed(text));
  if (dst.tag.empty() && dst.digest.empty()) {
    dst.tag = src.tag;
    dst.digest = src.tag.empty() ? src.digest : "";
  }
  return dst;
}

struct PreparedCopy {
  image::Reference src;
  image::Reference dst;
  registry::CopyOptions options;
  std::unique_ptr<registry::auth::StaticKeychain> keychain;
  std::unique_ptr<EcrTarget> ecr;  // when DST is an ECR registry
  std::unique_ptr<registry::auth::Keychain> ecr_keychain;
  registry::ImageCopierOptions copier;
};

// A destination on an ECR registry host authenticates through the AWS credential chain, as the
// ECR credential helper does; the account and region come from the host.
Status prepareEcr(PreparedCopy& p, const CopyFlags& flags, const config::Config& config) {
  auto host = aws::parseEcrRegistryHost(p.dst.registry);
  if (!host) {
    if (flags.create_repo) {
      return fail(ErrorCode::kInvalidArgument,
                  "--create-repo needs a destination on an ECR registry host");
    }
    return ok();
  }
  auto ecr = config.ecr;
  ecr.account_id = host->account_id;
  ecr.region = host->region;
  ecr.create_repo = flags.create_repo;
  ASSIGN_OR_RETURN(p.ecr, EcrTarget::create(ecr, p.dst.registry, p.options.dry_run));
  p.ecr_keychain = p.ecr->keychain(*p.keychain);
  p.copier.keychain = p.ecr_keychain.get();
  return ok();
}

Result<PreparedCopy> prepare(const CopyFlags& flags, const config::Config& config) {
  PreparedCopy p;
  ASSIGN_OR_RETURN(p.src, image::parseNormalized(flags.source));
  ASSIGN_OR_RETURN(p.dst, destinationFor(flags.destination, p.src));
  for (const auto& text : flags.platforms) {
    ASSIGN_OR_RETURN(auto platform, image::parsePlatform(text));
    p.options.platforms.push_back(platform);
  }
  p.options.dry_run = flags.dry_run || config.dry_run;
  p.options.dry_pull = config.dry_pull;
  p.options.allow_overwrite = config.allow_different_digest_repush;
  std::map<std::string, registry::auth::RegistryAuth> cli;
  if (!flags.src_creds.empty()) {
    ASSIGN_OR_RETURN(cli[p.src.registry], parseCreds(flags.src_creds, "--src-creds"));
  }
  if (!flags.dest_creds.empty()) {
    ASSIGN_OR_RETURN(cli[p.dst.registry], parseCreds(flags.dest_creds, "--dest-creds"));
  }
  ASSIGN_OR_RETURN(p.keychain, buildKeychain(config, std::move(cli)));
  p.copier = copierOptions(config);
  p.copier.keychain = p.keychain.get();
  for (const auto& host : flags.insecure_registries) {
    p.copier.insecure_hosts.push_back(host);
  }
  if (!flags.ca_file.empty()) {
    p.copier.ca_file = flags.ca_file;
  }
  if (flags.jobs > 0) {
    p.copier.jobs = flags.jobs;
  }
  RETURN_IF_ERROR(prepareEcr(p, flags, config));
  return p;
}

void printResult(const PreparedCopy& p, const registry::CopyResult& r, const std::string& output) {
  double seconds = static_cast<double>(r.duration.count()) / 1000.0;
  if (output == "json") {
    nlohmann::json j = {{"source", p.src.str()},
                        {"target", p.dst.str()},
                        {"outcome", registry::copyOutcomeName(r.outcome)},
                        {"sourceDigest", r.source_digest},
                        {"targetDigest", r.target_digest},
                        {"mediaType", r.media_type},
                        {"blobsCopied", r.blobs_copied},
                        {"blobsSkipped", r.blobs_skipped},
                        {"blobsMounted", r.blobs_mounted},
                        {"bytesCopied", r.bytes_copied},
                        {"manifestsPushed", r.manifests_pushed},
                        {"missingPlatforms", r.missing_platforms},
                        {"requests", r.requests},
                        {"tokenRequests", r.token_requests},
                        {"seconds", seconds}};
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << fmt::format("{} {} -> {}\n", registry::copyOutcomeName(r.outcome), p.src.str(),
                           p.dst.str());
  std::cout << fmt::format("digest: {}\n", r.target_digest);
  std::cout << fmt::format("blobs: {} copied, {} skipped, {} mounted; {:.1f} MiB in {:.2f} s\n",
                           r.blobs_copied, r.blobs_skipped, r.blobs_mounted,
                           static_cast<double>(r.bytes_copied) / (1024.0 * 1024.0), seconds);
  for (const auto& platform : r.missing_platforms) {
    std::cout << fmt::format("warning: platform {} not in the source index\n", platform);
  }
}

int runCopy(const CopyFlags& flags) {
  auto loaded = loadConfigOrReport(flags.config);
  if (!loaded) {
    return kExitUsage;
  }
  log::setLevel(loaded->config.log_level);
  auto prepared = prepare(flags, loaded->config);
  if (!prepared) {
    std::cerr << "copycat: " << prepared.error().message << "\n";
    return kExitUsage;
  }
  CopyProgress progress;
  if (flags.output == "text" && ::isatty(STDERR_FILENO) != 0) {
    prepared->options.progress = [&progress](const std::string& digest, int64_t done,
                                             int64_t total) {
      progress.update(digest, done, total);
    };
  }
  auto result =
      registry::copyImage(prepared->src, prepared->dst, prepared->options, prepared->copier);
  progress.finish();
  if (!result) {
    std::cerr << "copycat: copy failed: " << result.error().message << "\n";
    return kExitFailed;
  }
  printResult(*prepared, *result, flags.output);
  return kExitOk;
}

}  // namespace

void addCopyCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<CopyFlags>();
  flags->config.require_target = false;  // the destination is DST, not the configured target
  auto* cmd = app.add_subcommand("copy", "Copy one image (or index) from SRC to DST");
  cmd->add_option("SRC", flags->source, "Source image reference")->required();
  cmd->add_option("DST", flags->destination,
                  "Destination reference; without tag or digest the source's is used")
      ->required();
  cmd->add_option("--platform", flags->platforms,
                  "Copy only this platform os/arch[/variant] of an index (repeatable)");
  cmd->add_option("--src-creds", flags->src_creds, "USER:PASSWORD for the source registry");
  cmd->add_option("--dest-creds", flags->dest_creds, "USER:PASSWORD for the destination registry");
  cmd->add_option("--insecure-registry", flags->insecure_registries,
                  "HOST[:PORT] reached over plain HTTP or unverified TLS (repeatable)");
  cmd->add_option("--ca-file", flags->ca_file, "Extra CA bundle (PEM) trusted for registries");
  cmd->add_option("--jobs", flags->jobs, "Parallel blob transfers per registry")
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--dry-run", flags->dry_run, "Read everything, write nothing");
  cmd->add_flag("--create-repo", flags->create_repo,
                "ECR destinations: create the repository (with ecr.lifecyclePolicy) first");
  cmd->add_option("-o,--output", flags->output, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  addConfigFlag(*cmd, flags->config);
  cmd->callback([flags, exit_code] { *exit_code = runCopy(*flags); });
}

}  // namespace copycat::app

#include "aws/shared_config.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/strings.h"

namespace copycat::aws {
namespace {

std::string expandHome(std::string path, const std::optional<std::string>& home) {
  if (home && (path == "~" || path.rfind("~/", 0) == 0)) {
    return *home + path.substr(1);
  }
  return path;
}

// "[profile NAME]" -> NAME, "[default]" -> default; nullopt for other config sections
// ("[sso-session x]", "[services x]", or a bare "[name]", which the SDKs ignore in config).
std::optional<std::string_view> configProfileName(std::string_view section) {
  if (section == "default") {
    return section;
  }
  constexpr std::string_view kPrefix = "profile";
  if (section.size() > kPrefix.size() && section.substr(0, kPrefix.size()) == kPrefix &&
      (section[kPrefix.size()] == ' ' || section[kPrefix.size()] == '\t')) {
    return strings::trim(section.substr(kPrefix.size()));
  }
  return std::nullopt;
}

// The NAME of "[services NAME]", or nullopt.
std::optional<std::string_view> servicesSectionName(std::string_view section) {
  constexpr std::string_view kPrefix = "services";
  if (section.size() > kPrefix.size() && section.substr(0, kPrefix.size()) == kPrefix &&
      (section[kPrefix.size()] == ' ' || section[kPrefix.size()] == '\t')) {
    return strings::trim(section.substr(kPrefix.size()));
  }
  return std::nullopt;
}

Result<std::string> readFile(const std::string& path) {
  if (path.empty()) {
    return std::string();
  }
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return std::string();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kInvalidArgument, "cannot read " + path);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

using Properties = std::map<std::string, std::string, std::less<>>;

std::string take(const Properties& props, std::string_view key) {
  auto it = props.find(key);
  return it == props.end() ? std::string() : it->second;
}

Result<std::optional<bool>> takeBool(const Properties& props, std::string_view key,
                                     std::string_view profile) {
  auto it = props.find(key);
  if (it == props.end() || it->second.empty()) {
    return std::optional<bool>();
  }
  if (strings::equalsIgnoreCase(it->second, "true")) {
    return std::optional<bool>(true);
  }
  if (strings::equalsIgnoreCase(it->second, "false")) {
    return std::optional<bool>(false);
  }
  return fail(ErrorCode::kInvalidArgument,
              "profile " + std::string(profile) + ": " + std::string(key) + ": want true or false");
}

Status fillDuration(const Properties& props, Profile& out) {
  std::string text = take(props, "duration_seconds");
  if (text.empty()) {
    return ok();
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
    return fail(ErrorCode::kInvalidArgument,
                "profile " + out.name + ": duration_seconds: want a positive integer");
  }
  out.duration_seconds = value;
  return ok();
}

Status fillEndpointSettings(const Properties& props, Profile& out) {
  ASSIGN_OR_RETURN(out.use_fips_endpoint, takeBool(props, "use_fips_endpoint", out.name));
  ASSIGN_OR_RETURN(out.use_dualstack_endpoint, takeBool(props, "use_dualstack_endpoint", out.name));
  ASSIGN_OR_RETURN(out.ignore_configured_endpoint_urls,
                   takeBool(props, "ignore_configured_endpoint_urls", out.name));
  std::string sts = take(props, "sts_regional_endpoints");
  if (!sts.empty()) {
    out.sts_regional_endpoints = parseStsRegionalEndpoints(sts);
    if (!out.sts_regional_endpoints) {
      return fail(ErrorCode::kInvalidArgument,
                  "profile " + out.name + ": sts_regional_endpoints: want legacy or regional");
    }
  }
  out.region = take(props, "region");
  out.endpoint_url = take(props, "endpoint_url");
  return ok();
}

Result<Profile> makeProfile(std::string_view name, Properties props) {
  Profile out;
  out.name = std::string(name);
  out.access_key_id = take(props, "aws_access_key_id");
  out.secret_access_key = take(props, "aws_secret_access_key");
  out.session_token = take(props, "aws_session_token");
  if (out.session_token.empty()) {
    out.session_token = take(props, "aws_security_token");
  }
  out.role_arn = take(props, "role_arn");
  out.source_profile = take(props, "source_profile");
  out.credential_source = take(props, "credential_source");
  out.web_identity_token_file = take(props, "web_identity_token_file");
  out.role_session_name = take(props, "role_session_name");
  out.external_id = take(props, "external_id");
  out.mfa_serial = take(props, "mfa_serial");
  out.credential_process = take(props, "credential_process");
  out.uses_sso = std::any_of(props.begin(), props.end(),
                             [](const auto& kv) { return kv.first.rfind("sso_", 0) == 0; });
  RETURN_IF_ERROR(fillDuration(props, out));
  RETURN_IF_ERROR(fillEndpointSettings(props, out));
  out.properties = std::move(props);
  return out;
}

void merge(Properties& into, const Properties& from) {
  for (const auto& [key, value] : from) {
    into[key] = value;
  }
}

}  // namespace

SharedConfigPaths sharedConfigPaths(const EnvLookup& env) {
  std::optional<std::string> home = env("HOME");
  SharedConfigPaths paths;
  paths.config_file = env("AWS_CONFIG_FILE").value_or(home ? *home + "/.aws/config" : "");
  paths.credentials_file =
      env("AWS_SHARED_CREDENTIALS_FILE").value_or(home ? *home + "/.aws/credentials" : "");
  paths.config_file = expandHome(paths.config_file, home);
  paths.credentials_file = expandHome(paths.credentials_file, home);
  return paths;
}

std::string selectedProfileName(const EnvLookup& env) {
  return firstSet(env, {"AWS_PROFILE", "AWS_DEFAULT_PROFILE"}).value_or("default");
}

Result<SharedConfig> SharedConfig::load(const SharedConfigPaths& paths) {
  ASSIGN_OR_RETURN(std::string config_text, readFile(paths.config_file));
  ASSIGN_OR_RETURN(std::string credentials_text, readFile(paths.credentials_file));
  SharedConfig out;
  ASSIGN_OR_RETURN(out.config_, parseIni(config_text, paths.config_file));
  ASSIGN_OR_RETURN(out.credentials_, parseIni(credentials_text, paths.credentials_file));
  out.paths_ = paths;
  return out;
}

Result<SharedConfig> SharedConfig::parse(std::string_view config_text,
                                         std::string_view credentials_text) {
  SharedConfig out;
  ASSIGN_OR_RETURN(out.config_, parseIni(config_text, "config"));
  ASSIGN_OR_RETURN(out.credentials_, parseIni(credentials_text, "credentials"));
  return out;
}

Result<Profile> SharedConfig::profile(std::string_view name) const {
  Properties props;
  bool found = false;
  // "[default]" first, so that "[profile default]" wins when a config file has both.
  for (bool prefixed : {false, true}) {
    for (const auto& section : config_) {
      auto profile_name = configProfileName(section.name);
      bool is_prefixed = section.name != "default";
      if (profile_name && *profile_name == name && is_prefixed == prefixed) {
        merge(props, section.properties);
        found = true;
      }
    }
  }
  for (const auto& section : credentials_) {
    if (section.name == name) {
      merge(props, section.properties);
      found = true;
    }
  }
  if (!found) {
    return fail(ErrorCode::kNotFound, "profile " + std::string(name) + " not found");
  }
  ASSIGN_OR_RETURN(Profile out, makeProfile(name, std::move(props)));
  std::string services = take(out.properties, "services");
  for (const auto& section : config_) {
    auto services_name = servicesSectionName(section.name);
    if (services.empty() || !services_name || *services_name != services) {
      continue;
    }
    for (const auto& [key, value] : section.properties) {
      constexpr std::string_view kSuffix = ".endpoint_url";
      if (key.size() > kSuffix.size() && key.ends_with(kSuffix) && !value.empty()) {
        out.service_endpoint_urls[key.substr(0, key.size() - kSuffix.size())] = value;
      }
    }
  }
  return out;
}

std::vector<std::string> SharedConfig::profileNames() const {
  std::set<std::string> names;
  for (const auto& section : config_) {
    if (auto name = configProfileName(section.name)) {
      names.emplace(*name);
    }
  }
  for (const auto& section : credentials_) {
    names.insert(section.name);
  }
  return {names.begin(), names.end()};
}

}  // namespace copycat::aws

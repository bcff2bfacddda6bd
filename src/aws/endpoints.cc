#include "aws/endpoints.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "aws/shared_config.h"
#include "base/strings.h"

namespace copycat::aws {
namespace {

// botocore partitions.json (id, dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack).
constexpr std::array<Partition, 7> kPartitions = {{
    {"aws", "amazonaws.com", "api.aws", true, true},
    {"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", true, true},
    {"aws-us-gov", "amazonaws.com", "api.aws", true, true},
    {"aws-iso", "c2s.ic.gov", "c2s.ic.gov", true, false},
    {"aws-iso-b", "sc2s.sgov.gov", "sc2s.sgov.gov", true, false},
    {"aws-iso-e", "cloud.adc-e.uk", "cloud.adc-e.uk", true, false},
    {"aws-iso-f", "csp.hci.ic.gov", "csp.hci.ic.gov", true, false},
}};

// Regions that partitions.json lists by name without matching their partition's pattern.
struct NamedRegion {
  std::string_view region;
  size_t partition;
};
constexpr std::array<NamedRegion, 5> kNamedRegions = {{
    {"aws-global", 0},
    {"aws-cn-global", 1},
    {"aws-us-gov-global", 2},
    {"aws-iso-global", 3},
    {"aws-iso-b-global", 4},
}};

// The regions whose STS requests went to sts.amazonaws.com before regional endpoints became the
// default (sts endpoint rule set, UseGlobalEndpoint branch).
constexpr std::array<std::string_view, 16> kLegacyGlobalStsRegions = {
    "ap-northeast-1", "ap-south-1",   "ap-southeast-1", "ap-southeast-2",
    "aws-global",     "ca-central-1", "eu-central-1",   "eu-north-1",
    "eu-west-1",      "eu-west-2",    "eu-west-3",      "sa-east-1",
    "us-east-1",      "us-east-2",    "us-west-1",      "us-west-2"};

bool isWord(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}
bool isDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// Matches the partition patterns: "^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$" for aws,
// "^cn-\w+-\d+$", "^us-gov-\w+-\d+$", "^us-iso-\w+-\d+$", "^us-isob-...", "^eu-isoe-...",
// "^us-isof-...".
std::optional<size_t> partitionByPattern(std::string_view region) {
  std::vector<std::string> parts = strings::split(region, '-');
  if (parts.size() == 4 && isWord(parts[2]) && isDigits(parts[3])) {
    std::string prefix = parts[0] + "-" + parts[1];
    constexpr std::array<std::pair<std::string_view, size_t>, 5> kFourPart = {
        {{"us-gov", 2}, {"us-iso", 3}, {"us-isob", 4}, {"eu-isoe", 5}, {"us-isof", 6}}};
    for (const auto& [want, index] : kFourPart) {
      if (prefix == want) {
        return index;
      }
    }
    return std::nullopt;
  }
  if (parts.size() != 3 || !isWord(parts[1]) || !isDigits(parts[2])) {
    return std::nullopt;
  }
  if (parts[0] == "cn") {
    return 1;
  }
  constexpr std::array<std::string_view, 9> kAwsPrefixes = {"us", "eu", "ap", "sa", "ca",
                                                            "me", "af", "il", "mx"};
  if (std::find(kAwsPrefixes.begin(), kAwsPrefixes.end(), parts[0]) != kAwsPrefixes.end()) {
    return 0;
  }
  return std::nullopt;
}

// A DNS host label, as the rule sets' isValidHostLabel: letters, digits and '-', not leading '-'.
bool isValidRegion(std::string_view region) {
  return !region.empty() && region.size() <= 63 && region.front() != '-' &&
         std::all_of(region.begin(), region.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
         });
}

Result<std::optional<bool>> envBool(const EnvLookup& env, std::string_view name) {
  std::optional<std::string> value = env(name);
  if (!value) {
    return std::optional<bool>();
  }
  if (strings::equalsIgnoreCase(*value, "true")) {
    return std::optional<bool>(true);
  }
  if (strings::equalsIgnoreCase(*value, "false")) {
    return std::optional<bool>(false);
  }
  return fail(ErrorCode::kInvalidArgument, std::string(name) + ": want true or false");
}

std::string_view serviceKey(Service service) { return service == Service::kEcr ? "ecr" : "sts"; }

Result<Endpoint> customEndpoint(const std::string& url, const EndpointSettings& settings,
                                std::string_view signing_name) {
  if (settings.use_fips || settings.use_dualstack) {
    return fail(ErrorCode::kInvalidArgument,
                "FIPS and dual-stack endpoints cannot be combined with a custom endpoint url");
  }
  std::string_view rest = url;
  size_t scheme_end = rest.find("://");
  std::string scheme = scheme_end == std::string_view::npos
                           ? std::string()
                           : strings::toLower(rest.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return fail(ErrorCode::kInvalidArgument, "endpoint url must start with http:// or https://");
  }
  rest.remove_prefix(scheme_end + 3);
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.empty() || host.find('@') != std::string_view::npos) {
    return fail(ErrorCode::kInvalidArgument, "endpoint url has no host or has user info");
  }
  Endpoint out;
  out.url = url;
  while (out.url.size() > scheme_end + 3 + host.size() && out.url.back() == '/') {
    out.url.pop_back();
  }
  out.host = std::string(host);
  out.signing_region = settings.region;
  out.signing_name = std::string(signing_name);
  out.custom = true;
  return out;
}

Endpoint awsEndpoint(std::string host, std::string signing_region, std::string_view name) {
  return Endpoint{"https://" + host, host, std::move(signing_region), std::string(name), false};
}

Result<Endpoint> ecrEndpoint(const EndpointSettings& s, const Partition& p) {
  const std::string& region = s.region;
  if (s.use_fips && !p.supports_fips) {
    return fail(ErrorCode::kInvalidArgument,
                "FIPS is enabled but partition " + std::string(p.id) + " does not support FIPS");
  }
  if (s.use_dualstack && !p.supports_dualstack) {
    return fail(ErrorCode::kInvalidArgument, "dual-stack is enabled but partition " +
                                                 std::string(p.id) + " does not support it");
  }
  std::string suffix(s.use_dualstack ? p.dualstack_dns_suffix : p.dns_suffix);
  if (s.use_fips && !s.use_dualstack && (p.id == "aws" || p.id == "aws-us-gov")) {
    return awsEndpoint("ecr-fips." + region + ".amazonaws.com", region, "ecr");
  }
  std::string prefix = s.use_fips ? "api.ecr-fips." : "api.ecr.";
  return awsEndpoint(prefix + region + "." + suffix, region, "ecr");
}

Result<Endpoint> stsEndpoint(const EndpointSettings& s, const Partition& p) {
  const std::string& region = s.region;
  bool plain = !s.use_fips && !s.use_dualstack;
  bool legacy_global = s.sts_regional_endpoints == StsRegionalEndpoints::kLegacy &&
                       std::find(kLegacyGlobalStsRegions.begin(), kLegacyGlobalStsRegions.end(),
                                 region) != kLegacyGlobalStsRegions.end();
  if (plain && (legacy_global || region == "aws-global")) {
    return awsEndpoint("sts.amazonaws.com", "us-east-1", "sts");
  }
  if (s.use_fips && !p.supports_fips) {
    return fail(ErrorCode::kInvalidArgument,
                "FIPS is enabled but partition " + std::string(p.id) + " does not support FIPS");
  }
  if (s.use_dualstack && !p.supports_dualstack) {
    return fail(ErrorCode::kInvalidArgument, "dual-stack is enabled but partition " +
                                                 std::string(p.id) + " does not support it");
  }
  std::string suffix(s.use_dualstack ? p.dualstack_dns_suffix : p.dns_suffix);
  // GovCloud's regular STS endpoints are already FIPS validated.
  if (s.use_fips && !s.use_dualstack && p.id == "aws-us-gov") {
    return awsEndpoint("sts." + region + ".amazonaws.com", region, "sts");
  }
  return awsEndpoint((s.use_fips ? "sts-fips." : "sts.") + region + "." + suffix, region, "sts");
}

}  // namespace

std::optional<StsRegionalEndpoints> parseStsRegionalEndpoints(std::string_view text) {
  std::string lower = strings::toLower(strings::trim(text));
  if (lower == "regional") {
    return StsRegionalEndpoints::kRegional;
  }
  if (lower == "legacy") {
    return StsRegionalEndpoints::kLegacy;
  }
  return std::nullopt;
}

const Partition& partitionOf(std::string_view region) {
  for (const auto& named : kNamedRegions) {
    if (named.region == region) {
      return kPartitions[named.partition];
    }
  }
  return kPartitions[partitionByPattern(region).value_or(0)];
}

std::optional<std::string> EndpointSettings::overrideFor(Service service) const {
  if (ignore_configured_endpoint_urls) {
    return std::nullopt;
  }
  std::string_view key = serviceKey(service);
  for (const EndpointOverrides* layer : {&environment, &profile}) {
    if (auto it = layer->services.find(key); it != layer->services.end() && !it->second.empty()) {
      return it->second;
    }
    if (!layer->global.empty()) {
      return layer->global;
    }
  }
  return std::nullopt;
}

Result<EndpointSettings> loadEndpointSettings(const EnvLookup& env, const Profile* profile) {
  EndpointSettings out;
  if (profile != nullptr) {
    out.region = profile->region;
    out.use_fips = profile->use_fips_endpoint.value_or(false);
    out.use_dualstack = profile->use_dualstack_endpoint.value_or(false);
    out.sts_regional_endpoints =
        profile->sts_regional_endpoints.value_or(StsRegionalEndpoints::kRegional);
    out.ignore_configured_endpoint_urls = profile->ignore_configured_endpoint_urls.value_or(false);
    out.profile.global = profile->endpoint_url;
    out.profile.services = profile->service_endpoint_urls;
  }
  if (auto region = firstSet(env, {"AWS_REGION", "AWS_DEFAULT_REGION"})) {
    out.region = *region;
  }
  ASSIGN_OR_RETURN(auto fips, envBool(env, "AWS_USE_FIPS_ENDPOINT"));
  ASSIGN_OR_RETURN(auto dualstack, envBool(env, "AWS_USE_DUALSTACK_ENDPOINT"));
  ASSIGN_OR_RETURN(auto ignore, envBool(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
  out.use_fips = fips.value_or(out.use_fips);
  out.use_dualstack = dualstack.value_or(out.use_dualstack);
  out.ignore_configured_endpoint_urls = ignore.value_or(out.ignore_configured_endpoint_urls);
  if (auto sts = env("AWS_STS_REGIONAL_ENDPOINTS")) {
    auto mode = parseStsRegionalEndpoints(*sts);
    if (!mode) {
      return fail(ErrorCode::kInvalidArgument,
                  "AWS_STS_REGIONAL_ENDPOINTS: want legacy or regional");
    }
    out.sts_regional_endpoints = *mode;
  }
  out.environment.global = env("AWS_ENDPOINT_URL").value_or("");
  for (auto [key, var] :
       {std::pair{"ecr", "AWS_ENDPOINT_URL_ECR"}, {"sts", "AWS_ENDPOINT_URL_STS"}}) {
    if (auto url = env(var)) {
      out.environment.services[key] = *url;
    }
  }
  return out;
}

Result<Endpoint> resolveEndpoint(Service service, const EndpointSettings& settings) {
  if (settings.region.empty()) {
    return fail(ErrorCode::kInvalidArgument, "missing aws region (set AWS_REGION)");
  }
  if (!isValidRegion(settings.region)) {
    return fail(ErrorCode::kInvalidArgument, "invalid aws region: " + settings.region);
  }
  std::string_view signing_name = serviceKey(service);
  if (auto url = settings.overrideFor(service)) {
    return customEndpoint(*url, settings, signing_name);
  }
  const Partition& partition = partitionOf(settings.region);
  return service == Service::kEcr ? ecrEndpoint(settings, partition)
                                  : stsEndpoint(settings, partition);
}

std::optional<EcrRegistry> parseEcrRegistryHost(std::string_view host) {
  std::string lower = strings::toLower(host);
  std::string_view rest = lower;
  // ^(\d{12})\.dkr[.-]ecr(-fips)?\.REGION\.SUFFIX$ (Amazon ECR credential helper's pattern).
  if (rest.size() < 13 || !isDigits(rest.substr(0, 12)) || rest[12] != '.') {
    return std::nullopt;
  }
  EcrRegistry out;
  out.account_id = std::string(rest.substr(0, 12));
  rest.remove_prefix(13);
  if (rest.substr(0, 7) != "dkr.ecr" && rest.substr(0, 7) != "dkr-ecr") {
    return std::nullopt;
  }
  rest.remove_prefix(7);
  if (rest.substr(0, 5) == "-fips") {
    out.fips = true;
    rest.remove_prefix(5);
  }
  if (rest.empty() || rest.front() != '.') {
    return std::nullopt;
  }
  rest.remove_prefix(1);
  size_t dot = rest.find('.');
  std::string_view region = rest.substr(0, dot);
  bool region_ok = !region.empty() && std::isalnum(static_cast<unsigned char>(region.front())) &&
                   std::all_of(region.begin(), region.end(), [](char c) {
                     return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                   });
  if (!region_ok || dot == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view suffix = rest.substr(dot + 1);
  constexpr std::array<std::string_view, 9> kSuffixes = {
      "amazonaws.com",  "amazonaws.com.cn", "amazonaws.eu",
      "on.aws",         "sc2s.sgov.gov",    "c2s.ic.gov",
      "cloud.adc-e.uk", "csp.hci.ic.gov",   "on.amazonwebservices.com.cn"};
  if (std::find(kSuffixes.begin(), kSuffixes.end(), suffix) == kSuffixes.end()) {
    return std::nullopt;
  }
  out.region = std::string(region);
  out.dns_suffix = std::string(suffix);
  out.dualstack = suffix.substr(0, 3) == "on.";
  return out;
}

Result<std::string> ecrRegistryHost(std::string_view account_id, std::string_view region, bool fips,
                                    bool dualstack) {
  if (account_id.size() != 12 || !isDigits(account_id)) {
    return fail(ErrorCode::kInvalidArgument, "ecr account id must be 12 digits");
  }
  if (!isValidRegion(region)) {
    return fail(ErrorCode::kInvalidArgument, "invalid aws region: " + std::string(region));
  }
  const Partition& partition = partitionOf(region);
  std::string service = fips ? "ecr-fips." : "ecr.";
  if (!dualstack) {
    return std::string(account_id) + ".dkr." + service + std::string(region) + "." +
           std::string(partition.dns_suffix);
  }
  // Dual-stack registries: ACCOUNT.dkr-ecr.REGION.on.aws (on.amazonwebservices.com.cn in China).
  if (!partition.supports_dualstack) {
    return fail(ErrorCode::kInvalidArgument, "partition " + std::string(partition.id) +
                                                 " has no dual-stack ecr registry endpoint");
  }
  std::string_view suffix = partition.id == "aws-cn" ? "on.amazonwebservices.com.cn" : "on.aws";
  return std::string(account_id) + ".dkr-" + service + std::string(region) + "." +
         std::string(suffix);
}

}  // namespace copycat::aws

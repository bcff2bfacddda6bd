// Partition-aware endpoints for the services copycat calls (ECR API, STS) and ECR registry host
// names. Host patterns follow botocore's endpoint rule sets (ecr 2015-09-21, sts 2011-06-15) and
// partitions.json; overrides follow the AWS SDKs' "service-specific endpoints" settings.
// Pure functions over plain values: thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "aws/environment.h"
#include "base/result.h"

namespace copycat::aws {

struct Profile;

// AWS_STS_REGIONAL_ENDPOINTS / sts_regional_endpoints. Current SDKs default to regional.
enum class StsRegionalEndpoints { kRegional, kLegacy };
std::optional<StsRegionalEndpoints> parseStsRegionalEndpoints(std::string_view text);

struct Partition {
  std::string_view id;                    // "aws", "aws-cn", "aws-us-gov", "aws-iso", ...
  std::string_view dns_suffix;            // "amazonaws.com"
  std::string_view dualstack_dns_suffix;  // "api.aws"
  bool supports_fips = false;
  bool supports_dualstack = false;
};

// The partition of `region`: its explicit region list first, then its region pattern; unknown
// names fall back to "aws", as in the SDKs.
const Partition& partitionOf(std::string_view region);

enum class Service { kEcr, kSts };

// Endpoint URL overrides from one configuration layer.
struct EndpointOverrides {
  std::string global;  // AWS_ENDPOINT_URL / profile endpoint_url
  // By service key ("ecr", "sts"): AWS_ENDPOINT_URL_ECR / [services] sub-section endpoint_url.
  std::map<std::string, std::string, std::less<>> services;
};

struct EndpointSettings {
  std::string region;
  bool use_fips = false;       // AWS_USE_FIPS_ENDPOINT / use_fips_endpoint
  bool use_dualstack = false;  // AWS_USE_DUALSTACK_ENDPOINT / use_dualstack_endpoint
  StsRegionalEndpoints sts_regional_endpoints = StsRegionalEndpoints::kRegional;
  bool ignore_configured_endpoint_urls = false;  // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
  EndpointOverrides environment;
  EndpointOverrides profile;

  // The URL override for `service`, by SDK precedence: service-specific environment variable,
  // AWS_ENDPOINT_URL, the profile's services section, the profile's endpoint_url.
  [[nodiscard]] std::optional<std::string> overrideFor(Service service) const;
};

// Reads the settings from `profile` (may be null) and then the environment, which wins: AWS_REGION
// (then AWS_DEFAULT_REGION), AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT,
// AWS_STS_REGIONAL_ENDPOINTS, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_STS,
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS. Fails with kInvalidArgument for a boolean that is not
// true/false or an unknown STS endpoints mode.
[[nodiscard]] Result<EndpointSettings> loadEndpointSettings(const EnvLookup& env,
                                                            const Profile* profile);

struct Endpoint {
  std::string url;             // "https://api.ecr.us-east-1.amazonaws.com", no trailing slash
  std::string host;            // the Host header: "api.ecr.us-east-1.amazonaws.com[:port]"
  std::string signing_region;  // SigV4 region ("us-east-1" for the global STS endpoint)
  std::string signing_name;    // SigV4 service: "ecr" or "sts"
  bool custom = false;         // true when it came from an endpoint URL override
};

// Resolves the endpoint of `service`. Fails with kInvalidArgument for a missing or malformed
// region, FIPS or dual-stack together with a custom endpoint, a partition without FIPS or
// dual-stack support when asked for, or a malformed override URL.
[[nodiscard]] Result<Endpoint> resolveEndpoint(Service service, const EndpointSettings& settings);

// An ECR private registry host, e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com".
struct EcrRegistry {
  std::string account_id;  // 12 digits
  std::string region;
  bool fips = false;       // "dkr.ecr-fips"
  bool dualstack = false;  // "dkr-ecr.<region>.on.aws"
  std::string dns_suffix;  // "amazonaws.com", "amazonaws.com.cn", "on.aws", ...
};

// Parses an ECR registry host (case-insensitive, no port). Accepts the forms the Amazon ECR
// credential helper accepts: ACCOUNT.dkr.ecr[-fips].REGION.SUFFIX and ACCOUNT.dkr-ecr[-fips]...
// with SUFFIX one of amazonaws.com, amazonaws.com.cn, amazonaws.eu, on.aws,
// on.amazonwebservices.com.cn, sc2s.sgov.gov, c2s.ic.gov, cloud.adc-e.uk, csp.hci.ic.gov.
std::optional<EcrRegistry> parseEcrRegistryHost(std::string_view host);

// Builds the registry host for an account and region in the region's partition. Fails with
// kInvalidArgument for an account id that is not 12 digits or a malformed region.
[[nodiscard]] Result<std::string> ecrRegistryHost(std::string_view account_id,
                                                  std::string_view region, bool fips = false,
                                                  bool dualstack = false);

}  // namespace copycat::aws

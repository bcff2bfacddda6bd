// The JSON credentials document served by the ECS/EKS container endpoint and by IMDS:
// {"AccessKeyId", "SecretAccessKey", "Token", "Expiration" (ISO 8601), ["Code"]}.
#pragma once

#include <string_view>

#include "aws/credentials.h"
#include "base/result.h"

namespace copycat::aws {

// Parses the document; `what` names it in errors ("container credentials"). Fails with
// kProtocol for malformed JSON, missing keys or a bad Expiration, and with kUnavailable when
// IMDS sets "Code" to anything but "Success". Pure: thread-safe.
[[nodiscard]] Result<Credentials> parseCredentialsDocument(std::string_view json,
                                                           std::string_view what);

}  // namespace copycat::aws

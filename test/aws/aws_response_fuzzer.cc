// Fuzzes the parsers of what AWS endpoints answer: STS XML (responses and errors), ECR JSON
// (authorization data, repositories, errors) and the container/IMDS credentials document.
// The first byte picks the parser; the rest is the body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "aws/aws_time.h"
#include "aws/credentials_document.h"
#include "aws/ecr_client.h"
#include "aws/sts_client.h"
#include "aws/xml_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  using namespace copycat::aws;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto xml = parseXml(body);
      if (xml && xml->name.empty()) {
        std::abort();  // every element has a name
      }
      auto role = parseAssumeRoleResponse("AssumeRole", body);
      if (role && (!role->credentials.hasKeys() || !role->credentials.expiration)) {
        std::abort();
      }
      break;
    }
    case 1:
      (void)parseStsError("AssumeRoleWithWebIdentity", 400, body);
      break;
    case 2: {
      nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
      if (!doc.is_discarded()) {
        auto auth = parseAuthorizationData(doc);
        if (auth && auth->username.empty()) {
          std::abort();
        }
        (void)parseRepository(doc);
      }
      break;
    }
    case 3: {
      copycat::http::Response response;
      response.status = 400;
      response.body = std::string(body);
      (void)parseEcrError("ecr X", response);
      (void)parseIso8601(body);
      break;
    }
    default: {
      auto credentials = parseCredentialsDocument(body, "fuzz");
      if (credentials && !credentials->hasKeys()) {
        std::abort();
      }
      (void)validateEcrRepositoryName(body);
      break;
    }
  }
  return 0;
}

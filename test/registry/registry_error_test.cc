#include "registry/registry_error.h"

#include <gtest/gtest.h>

namespace copycat::registry {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

// 1994-11-06T08:49:37Z, the RFC 9110 example date.
const system_clock::time_point kExampleDate = system_clock::from_time_t(784111777);

Error errorFor(int status, std::string_view body, std::string_view retry_after = "") {
  return registryError(ErrorResponse{status, body, retry_after}, kExampleDate);
}

TEST(RegistryErrorTest, ParsesTheOciErrorBody) {
  std::vector<RemoteError> errors = parseErrorBody(
      R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}},)"
      R"({"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]})");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].code, "MANIFEST_UNKNOWN");
  EXPECT_EQ(errors[0].message, "manifest unknown");
  EXPECT_EQ(errors[0].detail, R"({"Tag":"x"})");
  EXPECT_EQ(errors[1].detail, "");
}

TEST(RegistryErrorTest, NonOciBodiesGiveNoEntries) {
  for (std::string_view body : {"", "<html>502 Bad Gateway</html>", "[]", R"({"errors":"x"})",
                                R"({"message":"no"})", "{\"errors\":[1,"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(parseErrorBody(body).empty());
  }
}

TEST(RegistryErrorTest, StatusMapping) {
  struct Case {
    int status;
    ErrorCode want;
  };
  for (Case c : {Case{401, ErrorCode::kUnauthenticated}, Case{403, ErrorCode::kPermissionDenied},
                 Case{404, ErrorCode::kNotFound}, Case{408, ErrorCode::kDeadlineExceeded},
                 Case{409, ErrorCode::kAlreadyExists}, Case{429, ErrorCode::kRateLimited},
                 Case{500, ErrorCode::kUnavailable}, Case{503, ErrorCode::kUnavailable},
                 Case{400, ErrorCode::kInvalidArgument}, Case{416, ErrorCode::kInvalidArgument},
                 Case{302, ErrorCode::kProtocol}, Case{200, ErrorCode::kProtocol}}) {
    SCOPED_TRACE(c.status);
    Error e = errorFor(c.status, "");
    EXPECT_EQ(e.code, c.want);
    EXPECT_EQ(e.http_status, c.status);
    EXPECT_EQ(e.message, "http " + std::to_string(c.status));
  }
  EXPECT_TRUE(errorFor(408, "").isRetryable());
  EXPECT_TRUE(errorFor(502, "").isRetryable());
  EXPECT_FALSE(errorFor(404, "").isRetryable());
}

TEST(RegistryErrorTest, MessageCarriesTheRegistryTextAndCode) {
  Error e =
      errorFor(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})");
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_EQ(e.remote_code, "MANIFEST_UNKNOWN");
  EXPECT_EQ(e.message, "http 404: manifest unknown (MANIFEST_UNKNOWN)");
  EXPECT_EQ(e.describe(),
            "http 404: manifest unknown (MANIFEST_UNKNOWN) (code NotFound, http 404, "
            "remote MANIFEST_UNKNOWN)");
}

TEST(RegistryErrorTest, TooManyRequestsIsRateLimitedWhateverTheStatus) {
  std::string_view hub =
      R"({"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]})";
  for (int status : {429, 403, 400}) {
    SCOPED_TRACE(status);
    Error e = errorFor(status, hub);
    EXPECT_EQ(e.code, ErrorCode::kRateLimited);
    EXPECT_TRUE(e.isRetryable());
  }
}

TEST(RegistryErrorTest, RemoteCodeRefinesOtherStatuses) {
  struct Case {
    std::string_view code;
    ErrorCode want;
  };
  for (Case c :
       {Case{"DIGEST_INVALID", ErrorCode::kDigestMismatch},
        Case{"NAME_UNKNOWN", ErrorCode::kNotFound}, Case{"BLOB_UNKNOWN", ErrorCode::kNotFound},
        Case{"MANIFEST_BLOB_UNKNOWN", ErrorCode::kNotFound},
        Case{"DENIED", ErrorCode::kPermissionDenied},
        Case{"UNAUTHORIZED", ErrorCode::kUnauthenticated},
        Case{"MANIFEST_INVALID", ErrorCode::kInvalidArgument},
        Case{"UNKNOWN", ErrorCode::kInvalidArgument},
        Case{"SOMETHING_NEW", ErrorCode::kInvalidArgument}}) {
    SCOPED_TRACE(c.code);
    std::string body = R"({"errors":[{"code":")" + std::string(c.code) + R"(","message":"m"}]})";
    EXPECT_EQ(errorFor(400, body).code, c.want);
  }
  // Status decides for 401/403/404/5xx: they drive the auth handshake and retries.
  EXPECT_EQ(errorFor(401, R"({"errors":[{"code":"DENIED"}]})").code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(errorFor(503, R"({"errors":[{"code":"DENIED"}]})").code, ErrorCode::kUnavailable);
}

TEST(RegistryErrorTest, SeveralEntriesAreListedAndBounded) {
  Error e = errorFor(400, R"({"errors":[{"code":"A","message":"one"},{"code":"B"},)"
                          R"({"message":"three"},{"code":"D","message":"four"}]})");
  EXPECT_EQ(e.message, "http 400: one (A); B; three (and 1 more)");
  EXPECT_EQ(e.remote_code, "A");
}

TEST(RegistryErrorTest, DetailStandsInForAMissingMessage) {
  Error e = errorFor(400, R"({"errors":[{"code":"SIZE_INVALID","detail":{"size":3}}]})");
  EXPECT_EQ(e.message, "http 400: {\"size\":3} (SIZE_INVALID)");
}

TEST(RegistryErrorTest, PlainAndHtmlBodies) {
  EXPECT_EQ(errorFor(502, "<html><body>bad gateway</body></html>").message,
            "http 502: non-JSON (HTML) body");
  EXPECT_EQ(errorFor(500, "  upstream\tfailed\n").message, "http 500: upstream failed");
  std::string long_body(1000, 'x');
  Error e = errorFor(500, long_body);
  EXPECT_EQ(e.message, "http 500: " + std::string(300, 'x') + "...");
}

TEST(RegistryErrorTest, RetryAfterIsCarried) {
  EXPECT_EQ(errorFor(429, "", "120").retry_after_seconds, 120);
  EXPECT_EQ(errorFor(503, "", "Sun, 06 Nov 1994 08:50:37 GMT").retry_after_seconds, 60);
  EXPECT_EQ(errorFor(429, "", "soon").retry_after_seconds, -1);
  EXPECT_EQ(errorFor(429, "").retry_after_seconds, -1);
}

TEST(RetryAfterTest, DelaySeconds) {
  EXPECT_EQ(parseRetryAfter("0", kExampleDate), 0);
  EXPECT_EQ(parseRetryAfter(" 30 ", kExampleDate), 30);
  EXPECT_EQ(parseRetryAfter("99999999999999999999", kExampleDate), 1e9);
  for (std::string_view bad : {"", "-1", "1.5", "3s", "+4", "0x10"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parseRetryAfter(bad, kExampleDate));
  }
}

TEST(RetryAfterTest, HttpDateInAllThreeForms) {
  // RFC 9110 §5.6.7 gives the same instant in the three formats.
  for (std::string_view date : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                                "Sun Nov  6 08:49:37 1994"}) {
    SCOPED_TRACE(date);
    EXPECT_EQ(parseRetryAfter(date, kExampleDate - seconds(90)), 90);
  }
  EXPECT_EQ(parseRetryAfter("Sun Nov 16 08:49:37 1994", kExampleDate), 10 * 86400);
}

TEST(RetryAfterTest, PastDatesGiveZero) {
  EXPECT_EQ(parseRetryAfter("Thu, 01 Jan 1970 00:00:00 GMT", kExampleDate), 0);
}

TEST(RetryAfterTest, DatesFarFromTheEpochDoNotOverflow) {
  EXPECT_EQ(parseRetryAfter("Mon, 01 Jan 0001 00:00:00 GMT", kExampleDate), 0);
  std::optional<double> far = parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", kExampleDate);
  ASSERT_TRUE(far);
  EXPECT_GT(*far, 2.5e11);
}

TEST(RetryAfterTest, TwoDigitYearsFarInTheFutureMeanTheLastCentury) {
  // Seen from 2030, "30" is 2030 and "99" (more than 50 years ahead as 2099) is 1999.
  system_clock::time_point in_2030 = system_clock::from_time_t(1893456000);  // 2030-01-01
  EXPECT_EQ(parseRetryAfter("Tuesday, 01-Jan-30 00:01:00 GMT", in_2030), 60);
  EXPECT_EQ(parseRetryAfter("Friday, 31-Dec-99 23:59:59 GMT", in_2030), 0);
  system_clock::time_point in_1999 = system_clock::from_time_t(915148800 - 86400);  // 1998-12-31
  EXPECT_EQ(parseRetryAfter("Friday, 01-Jan-99 00:00:00 GMT", in_1999), 86400);
}

TEST(RetryAfterTest, MalformedDates) {
  for (std::string_view bad : {"Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
                               "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:49:37 GMT",
                               "Sun, 06 Foo 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
                               "Sun, 06 Nov 1994 08:49:37 GMT trailing",
                               "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parseRetryAfter(bad, kExampleDate));
  }
}

}  // namespace
}  // namespace copycat::registry

// Drives the image-reference parser with the conformance tables converted from
// github.com/distribution/reference (test/data/conformance/reference_cases.json, see SOURCE.md
// there). One documented divergence: the Go tests register only sha256, so their sha512 rows
// expect "unsupported digest algorithm"; copycat supports sha512 like docker and containerd
// binaries do (see the file's "notes"), so those rows must parse instead.
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "image/digest.h"
#include "image/grammar.h"
#include "image/reference.h"

namespace copycat::image {
namespace {

using nlohmann::json;

const json& cases() {
  static const json kCases = [] {
    std::ifstream in(std::string(COPYCAT_TEST_DATA_DIR) + "/conformance/reference_cases.json");
    return json::parse(in);
  }();
  return kCases;
}

// A string field, "" when null or absent.
std::string field(const json& row, const char* key) {
  auto it = row.find(key);
  if (it == row.end() || it->is_null()) {
    return "";
  }
  return it->get<std::string>();
}

// True for rows that fail in Go only because its tests do not register sha512.
bool isSha512Divergence(std::string_view input, const json& row) {
  if (field(row, "err") != "digest.ErrDigestUnsupported") {
    return false;
  }
  size_t at = input.find("@sha512:");
  return at != std::string::npos && input.size() - at - 8 == 128;
}

std::string sha512Part(std::string_view input) {
  return std::string(input.substr(input.find("@sha512:") + 1));
}

void expectError(const Result<Reference>& got, const json& row) {
  ASSERT_FALSE(got.has_value()) << "parsed as " << got->str();
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(got.error().message, field(row, "err_message"));
}

// Checks a normalised result against the normalize/normalized_form fields.
void expectNormalized(std::string_view input, const json& want) {
  Result<Reference> got = parseNormalizedNamed(input);
  if (!want.at("valid").get<bool>()) {
    if (isSha512Divergence(input, want)) {
      ASSERT_TRUE(got.has_value()) << got.error().message;
      EXPECT_EQ(got->digest, sha512Part(input));
      return;
    }
    expectError(got, want);
    return;
  }
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->str(), field(want, "normalized"));
  EXPECT_EQ(got->familiar(), field(want, "familiar"));
  EXPECT_EQ(got->familiarName(), field(want, "familiar_name"));
  EXPECT_EQ(got->registry, field(want, "domain"));
  EXPECT_EQ(got->repository, field(want, "path"));
  if (want.contains("tag")) {
    EXPECT_EQ(got->tag, field(want, "tag"));
    EXPECT_EQ(got->digest, field(want, "digest"));
  }
  Result<Reference> docker = parseDockerRef(input);
  ASSERT_TRUE(docker.has_value());
  EXPECT_EQ(docker->str(), field(want, "docker_ref"));
  Result<Reference> defaulted = parseNormalized(input);
  ASSERT_TRUE(defaulted.has_value());
  bool bare = got->tag.empty() && got->digest.empty();
  EXPECT_EQ(defaulted->tag, bare ? std::string(kDefaultTag) : got->tag);
}

TEST(ReferenceConformanceTest, ParseTableMatchesGoParse) {
  for (const json& row : cases().at("parse")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    Result<Reference> got = parseStrict(input);
    if (!row.at("valid").get<bool>()) {
      if (isSha512Divergence(input, row)) {
        ASSERT_TRUE(got.has_value()) << got.error().message;
        EXPECT_EQ(got->digest, sha512Part(input));
        continue;
      }
      expectError(got, row);
      continue;
    }
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->registry, field(row, "domain"));
    EXPECT_EQ(got->repository, field(row, "path"));
    EXPECT_EQ(got->name(), field(row, "repository"));
    EXPECT_EQ(got->tag, field(row, "tag"));
    EXPECT_EQ(got->digest, field(row, "digest"));
    EXPECT_EQ(got->str(), field(row, "string"));
  }
}

TEST(ReferenceConformanceTest, ParseTableNormalizedFormsMatchGoParseNormalizedNamed) {
  for (const json& row : cases().at("parse")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    expectNormalized(input, row.at("normalized_form"));
  }
}

TEST(ReferenceConformanceTest, NormalizeTableMatchesGoParseNormalizedNamed) {
  for (const json& row : cases().at("normalize")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    expectNormalized(input, row);
  }
}

TEST(ReferenceConformanceTest, WithNameTableSplitsDomainAndPath) {
  for (const json& row : cases().at("with_name")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    Result<Reference> got = withName(input);
    if (!row.at("valid").get<bool>()) {
      expectError(got, row);
      continue;
    }
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->registry, field(row, "domain"));
    EXPECT_EQ(got->repository, field(row, "path"));
    EXPECT_TRUE(got->tag.empty() && got->digest.empty());
  }
}

TEST(ReferenceConformanceTest, ParseNamedTableAcceptsOnlyCanonicalNames) {
  for (const json& row : cases().at("parse_named_canonical")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    Result<Reference> got = parseCanonical(input);
    if (!row.at("valid").get<bool>()) {
      expectError(got, row);
      continue;
    }
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->registry, field(row, "domain"));
    EXPECT_EQ(got->repository, field(row, "path"));
  }
}

TEST(ReferenceConformanceTest, WithTagAndWithDigestTableCombinesParts) {
  for (const json& row : cases().at("with_tag_digest")) {
    std::string name = field(row, "name");
    std::string tag = field(row, "tag");
    std::string digest = field(row, "digest");
    SCOPED_TRACE(name + " tag=" + tag + " digest=" + digest);
    Result<Reference> ref = withName(name);
    ASSERT_TRUE(ref.has_value());
    if (row.contains("valid") && !row.at("valid").get<bool>()) {
      Result<Reference> got =
          field(row, "function") == "WithTag" ? withTag(*ref, tag) : withDigest(*ref, digest);
      ASSERT_FALSE(got.has_value());
      EXPECT_EQ(got.error().message, field(row, "function") == "WithTag" ? kErrTagInvalidFormat
                                                                         : kErrDigestInvalidFormat);
      continue;
    }
    bool digest_first = field(row, "order") == "WithDigest then WithTag";
    for (int step = 0; step < 2; ++step) {
      bool apply_digest = (step == 0) == digest_first;
      if (apply_digest && !digest.empty()) {
        ref = withDigest(*ref, digest);
      } else if (!apply_digest && !tag.empty()) {
        ref = withTag(*ref, tag);
      }
      ASSERT_TRUE(ref.has_value()) << ref.error().message;
    }
    EXPECT_EQ(ref->str(), field(row, "combined"));
  }
}

TEST(ReferenceConformanceTest, SerializationTableRoundTripsThroughParse) {
  for (const json& row : cases().at("serialization")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    Result<Reference> got = parseStrict(input);
    if (!row.at("valid").get<bool>()) {
      expectError(got, row);
      continue;
    }
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->name(), field(row, "name"));
    EXPECT_EQ(got->tag, field(row, "tag"));
    EXPECT_EQ(got->digest, field(row, "digest"));
    EXPECT_EQ(got->str(), input);
  }
}

// ParseAnyReference = identifier, else a bare digest, else ParseNormalizedNamed; composed here
// from grammar::isIdentifier, Digest::parse and parseNormalizedNamed.
TEST(ReferenceConformanceTest, ParseAnyReferenceTableIsIdentifierDigestOrNormalizedName) {
  for (const json& row : cases().at("parse_any_reference")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    ASSERT_TRUE(row.at("valid").get<bool>());
    bool digest_only = grammar::isIdentifier(input) || Digest::parse(input).has_value();
    EXPECT_EQ(digest_only, row.at("digest_only").get<bool>());
    if (digest_only) {
      std::string digest = grammar::isIdentifier(input) ? "sha256:" + input : input;
      EXPECT_EQ(digest, field(row, "equivalent"));
      continue;
    }
    Result<Reference> got = parseNormalizedNamed(input);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->str(), field(row, "equivalent"));
    EXPECT_EQ(got->familiar(), field(row, "familiar"));
  }
}

TEST(ReferenceConformanceTest, ParseDockerRefTableDropsTagWhenDigestPresent) {
  for (const json& row : cases().at("parse_docker_ref")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(field(row, "description"));
    Result<Reference> got = parseDockerRef(input);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->str(), field(row, "expected"));
  }
}

TEST(ReferenceConformanceTest, DomainRegexpTableMatchesDomainGrammar) {
  for (const json& row : cases().at("regexp_domain")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    EXPECT_EQ(grammar::isDomain(input), row.at("match").get<bool>());
  }
}

TEST(ReferenceConformanceTest, FullNameRegexpTableMatchesNameGrammar) {
  for (const json& row : cases().at("regexp_full_name")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    auto got = grammar::splitName(input);
    ASSERT_EQ(got.has_value(), row.at("match").get<bool>());
    if (got && row.contains("path")) {
      EXPECT_EQ(got->domain, field(row, "domain"));
      EXPECT_EQ(got->path, field(row, "path"));
    }
  }
}

TEST(ReferenceConformanceTest, ReferenceRegexpTableMatchesReferenceGrammar) {
  for (const json& row : cases().at("regexp_reference")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    auto got = grammar::splitReference(input);
    ASSERT_EQ(got.has_value(), row.at("match").get<bool>());
    Result<Reference> parsed = parseStrict(input);
    EXPECT_EQ(parsed.has_value(), got.has_value());
    if (got) {
      ASSERT_TRUE(parsed.has_value());
      EXPECT_EQ(parsed->name(), field(row, "name"));
      EXPECT_EQ(got->tag, field(row, "tag"));
      EXPECT_EQ(got->digest, field(row, "digest"));
    }
  }
}

TEST(ReferenceConformanceTest, IdentifierRegexpTableMatchesIdentifierGrammar) {
  for (const json& row : cases().at("regexp_identifier")) {
    std::string input = field(row, "input");
    SCOPED_TRACE(input);
    EXPECT_EQ(grammar::isIdentifier(input), row.at("match").get<bool>());
  }
}

// copycat follows v0.6.0 and later: the 255-character limit applies to the path only.
TEST(ReferenceConformanceTest, LegacyLengthLimitDifferencesFollowCurrentLibrary) {
  for (const json& diff : cases().at("legacy_v0_5_0").at("behaviour_differences")) {
    std::string input = field(diff, "input");
    std::string function = field(diff, "function");
    SCOPED_TRACE(function + " " + input);
    Result<Reference> got = function == "Parse"      ? parseStrict(input)
                            : function == "WithName" ? withName(input)
                                                     : parseNormalizedNamed(input);
    const json& want = diff.at("v0_6_0_and_later");
    ASSERT_EQ(got.has_value(), want.at("valid").get<bool>());
    if (got) {
      EXPECT_EQ(got->str(), field(want, "string"));
    } else {
      EXPECT_EQ(got.error().message, field(want, "err_message"));
    }
  }
}

// Fails when the data gains a table this file does not drive. familiar_match is not driven:
// image/ has no pattern-matching API (FamiliarMatch uses Go's path.Match).
TEST(ReferenceConformanceTest, EveryCaseTableIsDriven) {
  const std::set<std::string> driven = {
      "parse",         "with_name",        "parse_named_canonical", "with_tag_digest",
      "serialization", "normalize",        "parse_any_reference",   "parse_docker_ref",
      "regexp_domain", "regexp_full_name", "regexp_reference",      "regexp_identifier",
      "familiar_match"};
  size_t rows = 0;
  for (const auto& [name, count] : cases().at("counts").items()) {
    EXPECT_TRUE(driven.count(name)) << "table not driven: " << name;
    EXPECT_EQ(cases().at(name).size(), count.get<size_t>()) << name;
    rows += count.get<size_t>();
  }
  EXPECT_EQ(rows, cases().at("total_cases").get<size_t>());
}

}  // namespace
}  // namespace copycat::image

// A source and a target FakeRegistry plus an ImageCopier wired to both (hermetic HTTP client,
// recorded retry sleeps).
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "image/reference.h"
#include "registry/client_test_util.h"
#include "registry/fake_registry.h"
#include "registry/image_copier.h"

namespace copycat::registry::testing {

struct CopierFixture {
  explicit CopierFixture(FakeRegistry::Options target_options = {},
                         size_t pipe_capacity = http::BoundedPipe::kDefaultCapacityBytes)
      : target(target_options), http(makeHttpClient()) {
    EXPECT_TRUE(source.start());
    EXPECT_TRUE(target.start());
    ImageCopierOptions options;
    options.http = http.get();
    options.insecure_hosts = {source.host(), target.host()};
    options.retry = fastRetry(sleeper);
    options.pipe_capacity_bytes = pipe_capacity;
    auto created = ImageCopier::create(std::move(options));
    EXPECT_TRUE(created);
    copier = std::move(*created);
  }

  image::Reference src(const std::string& repo, const std::string& tag,
                       const std::string& digest = {}) const {
    return image::Reference{
        .registry = source.host(), .repository = repo, .tag = tag, .digest = digest};
  }
  image::Reference dst(const std::string& repo, const std::string& tag,
                       const std::string& digest = {}) const {
    return image::Reference{
        .registry = target.host(), .repository = repo, .tag = tag, .digest = digest};
  }

  FakeRegistry source;
  FakeRegistry target;
  RecordingSleeper sleeper;
  std::unique_ptr<http::CurlHttpClient> http;
  std::unique_ptr<ImageCopier> copier;
};

}  // namespace copycat::registry::testing

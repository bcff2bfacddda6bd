// Extraction must not allocate per skipped field: the allocation count of a warmed-up
// SummaryExtractor depends on what is kept, not on the size of managedFields, env, annotations.
// Its own binary, because it replaces the global operator new.
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include <gtest/gtest.h>

#include "workload/summary_extractor.h"
#include "workload/test_files.h"

namespace {

std::atomic<bool> counting{false};
std::atomic<size_t> allocations{0};

}  // namespace

namespace {

void* countedAlloc(size_t size) noexcept {
  if (counting.load(std::memory_order_relaxed)) {
    allocations.fetch_add(1, std::memory_order_relaxed);
  }
  return std::malloc(size == 0 ? 1 : size);
}

}  // namespace

// Every non-aligned form is replaced, so whatever pair a library uses stays malloc/free
// (libsimdjson allocates with new (std::nothrow)).
void* operator new(size_t size) {
  if (void* p = countedAlloc(size)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return countedAlloc(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return countedAlloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace copycat::workload {
namespace {

// A Pod with `n` irrelevant entries in each of annotations, managedFields, env and conditions.
std::string podWithNoise(int n) {
  std::string annotations, managed, env, conditions;
  for (int i = 0; i < n; ++i) {
    std::string k = std::to_string(i);
    annotations += (i ? "," : "") + std::string("\"note.example.com/k") + k + "\":\"value " + k +
                   " with \\\"escapes\\\" \\u00e9\"";
    managed += (i ? "," : "") + std::string(R"({"manager":"m)") + k +
               R"(","fieldsV1":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{}}}}}})";
    env +=
        (i ? "," : "") + std::string(R"({"name":"E)") + k + R"(","value":"image: x:)" + k + R"("})";
    conditions += (i ? "," : "") + std::string(R"({"type":"T)") + k + R"(","status":"True"})";
  }
  return R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"n","uid":"u",)"
         R"("resourceVersion":"1","annotations":{)" +
         annotations + R"(},"managedFields":[)" + managed +
         R"(]},"spec":{"containers":[{"name":"web","image":"nginx:1.25","env":[)" + env +
         R"(]}],"nodeName":"w"},"status":{"phase":"Running","conditions":[)" + conditions +
         R"(],"containerStatuses":[{"name":"web","imageID":"docker.io/library/nginx@sha256:1"}]}})";
}

size_t countAllocations(SummaryExtractor& extractor, const std::string& json, size_t want_images) {
  allocations = 0;
  counting = true;
  Result<WorkloadSummary> s = extractor.extract(json);
  counting = false;
  EXPECT_TRUE(s.has_value());
  EXPECT_EQ(s->images.size(), want_images);
  return allocations.load();
}

TEST(ExtractorAllocationTest, SkippedFieldsDoNotAllocate) {
  SummaryExtractor extractor;
  std::string small = podWithNoise(2);
  std::string large = podWithNoise(400);
  ASSERT_GT(large.size(), 50000u);
  ASSERT_TRUE(extractor.extract(large).has_value());  // grows parser and buffer once
  size_t small_count = countAllocations(extractor, small, 1);
  size_t large_count = countAllocations(extractor, large, 1);
  EXPECT_EQ(small_count, large_count);
  RecordProperty("allocations", std::to_string(large_count));
}

TEST(ExtractorAllocationTest, RealisticPodAllocatesOnlyForTheSummary) {
  SummaryExtractor extractor;
  std::string pod = testing::fixture("pod_running.json");
  ASSERT_TRUE(extractor.extract(pod).has_value());
  size_t count = countAllocations(extractor, pod, 4);
  // The summary itself: 4 images (vector + long strings), 1 owner, a few long metadata strings.
  EXPECT_LE(count, 30u) << count;
  RecordProperty("allocations", std::to_string(count));
}

}  // namespace
}  // namespace copycat::workload

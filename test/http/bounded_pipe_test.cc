#include "http/bounded_pipe.h"

#include <atomic>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace copycat::http {
namespace {

std::string pseudoRandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) {
    c = static_cast<char>(rng() & 0xff);
  }
  return out;
}

// Reads until end of stream with reads of varying size.
Result<std::string> drain(BoundedPipe& pipe, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out;
  std::vector<char> buffer(70000);
  while (true) {
    size_t max = 1 + rng() % buffer.size();
    ASSIGN_OR_RETURN(size_t n, pipe.read(buffer.data(), max));
    if (n == 0) {
      return out;
    }
    out.append(buffer.data(), n);
  }
}

TEST(BoundedPipeTest, DeliversBytesInOrderThenEndOfStream) {
  BoundedPipe pipe(16);
  ASSERT_TRUE(pipe.write("hello "));
  ASSERT_TRUE(pipe.write("world"));
  pipe.close();
  char buf[4];
  std::string got;
  while (true) {
    auto n = pipe.read(buf, sizeof(buf));
    ASSERT_TRUE(n);
    if (*n == 0) {
      break;
    }
    got.append(buf, *n);
  }
  EXPECT_EQ(got, "hello world");
  EXPECT_EQ(*pipe.read(buf, sizeof(buf)), 0u);  // stays at end of stream
}

TEST(BoundedPipeTest, StreamsLargeDataThroughSmallBufferAcrossThreads) {
  const std::string data = pseudoRandomBytes(8 * 1024 * 1024 + 123, 7);
  BoundedPipe pipe(64 * 1024);
  std::atomic<size_t> max_buffered{0};
  std::jthread producer([&] {
    std::mt19937 rng(11);
    size_t offset = 0;
    while (offset < data.size()) {
      size_t n = std::min<size_t>(1 + rng() % 100000, data.size() - offset);
      ASSERT_TRUE(pipe.write(std::string_view(data).substr(offset, n)));
      offset += n;
      size_t buffered = pipe.bufferedBytes();
      if (buffered > max_buffered) {
        max_buffered = buffered;
      }
    }
    pipe.close();
  });
  auto got = drain(pipe, 13);
  producer.join();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->size(), data.size());
  EXPECT_TRUE(*got == data);
  EXPECT_LE(max_buffered.load(), pipe.capacity());
}

TEST(BoundedPipeTest, ConsumerAbortUnblocksProducer) {
  BoundedPipe pipe(1024);
  std::atomic<bool> write_failed{false};
  std::jthread producer([&] {
    std::string chunk(4096, 'x');  // larger than the buffer: blocks until read or aborted
    auto status = pipe.write(chunk);
    write_failed = !status && status.error().code == ErrorCode::kUnauthenticated;
  });
  char buf[10];
  ASSERT_TRUE(pipe.read(buf, sizeof(buf)));  // proves the producer is running
  pipe.abort(Error{ErrorCode::kUnauthenticated, "upload rejected"});
  producer.join();
  EXPECT_TRUE(write_failed);
  auto read = pipe.read(buf, sizeof(buf));
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().message, "upload rejected");
}

TEST(BoundedPipeTest, ProducerAbortUnblocksConsumerAndFirstErrorWins) {
  BoundedPipe pipe(1024);
  std::jthread consumer_thread;
  Result<std::string> got = std::string();
  consumer_thread = std::jthread([&] { got = drain(pipe, 3); });
  ASSERT_TRUE(pipe.write("partial"));
  pipe.abort(Error{ErrorCode::kNotFound, "blob unknown"});
  pipe.abort(Error{ErrorCode::kInternal, "second"});
  consumer_thread.join();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(pipe.abortError()->message, "blob unknown");
  EXPECT_EQ(pipe.bufferedBytes(), 0u);
  EXPECT_FALSE(pipe.write("more"));
}

TEST(BoundedPipeTest, StopTokenCancelsBlockedSides) {
  std::stop_source stop;
  BoundedPipe pipe(8, stop.get_token());
  Result<size_t> read = 0;
  std::jthread consumer([&] {
    char buf[4];
    read = pipe.read(buf, sizeof(buf));  // empty pipe: blocks
  });
  stop.request_stop();
  consumer.join();
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::kCancelled);
}

TEST(BoundedPipeTest, WriteAfterCloseIsAnError) {
  BoundedPipe pipe(8);
  pipe.close();
  auto status = pipe.write("x");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kInternal);
}

TEST(BoundedPipeTest, AdaptersConnectSinkToSource) {
  BoundedPipe pipe(32);
  BodySink sink = pipe.sink();
  BodySource source = pipe.source();
  ASSERT_TRUE(sink("abc"));
  pipe.close();
  char buf[8];
  auto n = source(buf, sizeof(buf));
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(buf, *n), "abc");
}

}  // namespace
}  // namespace copycat::http

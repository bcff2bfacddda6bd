#include "kube/token_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "kube/exec_credential.h"
#include "kube/test_util.h"

namespace copycat::kube {
namespace {

using testing::ManualClock;
using testing::TempDir;

// Gives `path` a fixed mtime so that only the content (not the timestamp) differs.
void setMtime(const std::string& path, time_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

TEST(FileTokenSourceTest, RereadsWhenTheFileChanges) {
  TempDir dir;
  std::string path = dir.write("token", "first\n");
  ManualClock clock;
  FileTokenSource source(path, clock);
  EXPECT_EQ(source.token().value(), "first");
  EXPECT_EQ(source.token().value(), "first");
  EXPECT_EQ(source.readCount(), 1);
  dir.write("token", "second-token");
  EXPECT_EQ(source.token().value(), "second-token");
  EXPECT_EQ(source.readCount(), 2);
}

TEST(FileTokenSourceTest, SameSizeAndMtimeRewriteIsPickedUpAfterMaxAge) {
  TempDir dir;
  std::string path = dir.write("token", "aaaa");
  setMtime(path, 1700000000);
  ManualClock clock;
  FileTokenSource source(path, clock, FileTokenSource::Options{std::chrono::seconds(60)});
  EXPECT_EQ(source.token().value(), "aaaa");
  dir.write("token", "bbbb");
  setMtime(path, 1700000000);
  EXPECT_EQ(source.token().value(), "aaaa");  // stat cannot tell the difference
  clock.advance(std::chrono::seconds(61));
  EXPECT_EQ(source.token().value(), "bbbb");
}

TEST(FileTokenSourceTest, FollowsKubeletSymlinkSwap) {
  TempDir dir;
  dir.write("..2024_01/token", "old-token");
  dir.write("..2024_02/token", "new-token");
  std::filesystem::create_directory_symlink(dir.file("..2024_01"), dir.file("..data"));
  std::filesystem::create_symlink(dir.file("..data/token"), dir.file("token"));
  ManualClock clock;
  FileTokenSource source(dir.file("token"), clock);
  EXPECT_EQ(source.token().value(), "old-token");
  // Atomic swap of ..data, as the kubelet's AtomicWriter does.
  std::filesystem::create_directory_symlink(dir.file("..2024_02"), dir.file("..data_tmp"));
  std::filesystem::rename(dir.file("..data_tmp"), dir.file("..data"));
  EXPECT_EQ(source.token().value(), "new-token");
}

TEST(FileTokenSourceTest, InvalidateForcesARereadUnlessAlreadyRefreshed) {
  TempDir dir;
  std::string path = dir.write("token", "t1");
  setMtime(path, 1700000000);
  ManualClock clock;
  FileTokenSource source(path, clock);
  EXPECT_EQ(source.token().value(), "t1");
  dir.write("token", "t2");
  setMtime(path, 1700000000);
  source.invalidate("some-older-token");  // not the current one: ignored
  EXPECT_EQ(source.token().value(), "t1");
  source.invalidate("t1");
  EXPECT_EQ(source.token().value(), "t2");
  EXPECT_EQ(source.readCount(), 2);
}

TEST(FileTokenSourceTest, KeepsTheLastGoodTokenWhenTheFileDisappears) {
  TempDir dir;
  std::string path = dir.write("token", "good");
  ManualClock clock;
  FileTokenSource source(path, clock);
  EXPECT_EQ(source.token().value(), "good");
  std::filesystem::remove(path);
  clock.advance(std::chrono::minutes(5));
  EXPECT_EQ(source.token().value(), "good");
}

TEST(FileTokenSourceTest, MissingOrEmptyFileIsAnError) {
  TempDir dir;
  ManualClock clock;
  FileTokenSource missing(dir.file("none"), clock);
  auto r = missing.token();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  FileTokenSource empty(dir.write("empty", " \n"), clock);
  auto e = empty.token();
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("is empty"), std::string::npos);
  dir.write("empty", "now-set");
  EXPECT_EQ(empty.token().value(), "now-set");
}

TEST(MakeTokenSourceTest, PicksExecThenFileThenStatic) {
  TempDir dir;
  ManualClock clock;
  ClusterConfig config;
  EXPECT_EQ(makeTokenSource(config, clock).value(), nullptr);
  config.token = "inline";
  auto s = makeTokenSource(config, clock).value();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->token().value(), "inline");
  config.token_file = dir.write("tok", "from-file");
  EXPECT_EQ(makeTokenSource(config, clock).value()->token().value(), "from-file");
  config.exec = ExecConfig{};
  auto exec = makeTokenSource(config, clock).value();
  EXPECT_NE(dynamic_cast<ExecCredentialProvider*>(exec.get()), nullptr);
}

}  // namespace
}  // namespace copycat::kube

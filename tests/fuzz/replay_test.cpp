// Replays every seed (tests/fuzz/corpus/<target>/) and regression input (tests/fuzz/regressions/<target>/)
// through the fuzz targets' functions, so the normal build and the ASan+UBSan build check them on every
// CI run. A target that breaks an invariant aborts, which fails the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "targets.hpp"

namespace solusi {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs(std::string_view kind, std::string_view target) {
  std::vector<fs::path> out;
  const fs::path dir = fs::path(SOLUSI_FUZZ_DIR) / kind / target;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FuzzReplay : public ::testing::TestWithParam<fuzz::Target> {};

TEST_P(FuzzReplay, SeedCorpusRunsClean) {
  const auto files = inputs("corpus", GetParam().name);
  ASSERT_FALSE(files.empty()) << "no seed inputs in tests/fuzz/corpus/" << GetParam().name;
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    const std::string data = read(f);
    EXPECT_EQ(GetParam().run(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
  }
}

TEST_P(FuzzReplay, RegressionInputsRunClean) {
  for (const auto& f : inputs("regressions", GetParam().name)) {
    SCOPED_TRACE(f.string());
    const std::string data = read(f);
    EXPECT_EQ(GetParam().run(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(fuzz::targets),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace solusi

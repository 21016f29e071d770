// The libFuzzer entry point of one target: SOLUSI_FUZZ_FUNCTION names its function in targets.hpp.
#include <cstddef>
#include <cstdint>

#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return solusi::fuzz::SOLUSI_FUZZ_FUNCTION(data, size);
}

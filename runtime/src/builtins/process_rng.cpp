#include "builtins/process_rng.hpp"

#include <chrono>

namespace mosaic {

std::mt19937_64& process_rng() {
  static std::mt19937_64 rng(unpredictable_seed());
  return rng;
}

void seed_process_rng(uint64_t seed) { process_rng().seed(seed); }

uint64_t unpredictable_seed() {
  std::random_device device;
  uint64_t seed = (uint64_t{device()} << 32) ^ device();
  // The clock guards against a random_device that is deterministic on some platforms.
  return seed ^ static_cast<uint64_t>(std::chrono::high_resolution_clock::now().time_since_epoch().count());
}

}  // namespace mosaic

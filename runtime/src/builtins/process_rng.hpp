// The one random number generator behind f_rand, f_drand, f_randID and
// f_coinFlip. The node seeds it from --seed so that runs can be repeated.
#pragma once

#include <cstdint>
#include <random>

namespace mosaic {

std::mt19937_64& process_rng();
void seed_process_rng(uint64_t seed);
// A seed nobody chose: for runs without --seed.
uint64_t unpredictable_seed();

}  // namespace mosaic

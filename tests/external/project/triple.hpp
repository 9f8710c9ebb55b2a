// A user function for the tripled overlay (mosaic_add_overlay ... FUNCTIONS).
#pragma once

#include <cstdint>

namespace user {
int64_t f_triple(int64_t x);  // implemented in triple.cpp
}

// Functions of the cpp/ golden case user_functions.moz (declarations only:
// the case is compiled, not linked).
#pragma once

#include <cstdint>
#include <string>

#include <mosaic/impure.hpp>

namespace dice {
MOSAIC_IMPURE int64_t f_roll(int64_t sides);              // a fresh value at every call
std::string f_label(const std::string& player, int64_t n);  // "player:n"
}  // namespace dice

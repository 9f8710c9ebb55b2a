#pragma once

#include <cstdint>

inline int64_t f_twice(int64_t x) { return x * factor; }

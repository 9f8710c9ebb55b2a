#pragma once
#include <cstdint>

namespace geo {
int64_t f_score(int64_t x);
}

#pragma once
#include <cstdint>

namespace ranking {
int64_t f_score(int64_t x);
}

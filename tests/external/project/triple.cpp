#include "triple.hpp"

namespace user {
int64_t f_triple(int64_t x) { return 3 * x; }
}

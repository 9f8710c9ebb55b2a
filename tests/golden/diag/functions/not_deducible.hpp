#pragma once

#include <cstdint>
#include <vector>

// C++ cannot deduce T from the arguments of a call.
template <class T>
std::vector<T> f_empty(int64_t size_hint);

#pragma once

#include <cstdint>

int64_t f_scale(int64_t x);
double f_scale(double x);

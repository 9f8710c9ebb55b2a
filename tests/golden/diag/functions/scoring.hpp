// Functions for the call-site diagnostics of fail_functions_*.moz.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

int64_t f_letterSum(const std::string& word);
template <class T>
T f_second(const std::vector<T>& list);

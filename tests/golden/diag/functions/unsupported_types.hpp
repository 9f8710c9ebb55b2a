// C++ types Mozlog cannot pass, one per function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

int f_narrow(int64_t x);
int64_t f_single(float x);
int64_t f_append_to(std::string& out);
int64_t f_chars(const char* text);
std::vector<unsigned> f_unsigned_list(int64_t n);
const std::string& f_borrowed(int64_t key);
void f_nothing(int64_t x);

#pragma once

#include <cstdint>
#include <string>

// f_sha1 is a built-in already.
int64_t f_sha1(const std::string& text);

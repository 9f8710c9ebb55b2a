// A misspelt MOSAIC mark: an error, not a function quietly taken as pure.
#pragma once
#include <cstdint>

[[clang::annotate("mosaic::inpure")]] int64_t f_roll();
[[clang::annotate("another_tool::mark")]] int64_t f_tagged();  // other tools' marks are theirs

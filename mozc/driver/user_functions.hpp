// The --functions step of the pipeline: reads the user's headers through the
// Clang plugin and turns what it finds into the compilation's function table,
// and what is wrong into located diagnostics.
#pragma once

#include "driver/options.hpp"
#include "driver/pipeline.hpp"

namespace mozc {

// False when a header has errors, a function cannot be mapped, or one clashes
// with a built-in. Does nothing (and needs no Clang) without --functions.
bool read_user_functions(const Options& options, Compilation& c);

// False, with an error for each, when a C++ source to be compiled into the
// binary cannot be read: found before any work, not by the C++ compiler at
// the end.
bool check_function_sources(const Options& options, Compilation& c);

}  // namespace mozc

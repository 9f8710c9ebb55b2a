// Turns generated C++ into a node executable by running the C++ compiler
// against the MOSAIC runtime (installed next to mozc, or in the build tree).
#pragma once

#include <string>

namespace mozc {

// Compiles `cpp_source` into the executable `output`. On failure returns
// false with a message in `error`, and leaves no output file behind.
bool build_executable(const std::string& cpp_source, const std::string& output, std::string& error);

}  // namespace mozc

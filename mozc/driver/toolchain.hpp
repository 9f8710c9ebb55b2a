// Turns generated C++ into a node executable by running the C++ compiler
// against the MOSAIC runtime (installed next to mozc, or in the build tree).
#pragma once

#include <string>
#include <vector>

namespace mozc {

// Compiles `cpp_source` into the executable `output`. On failure returns
// false with a message in `error`, and leaves no output file behind.
bool build_executable(const std::string& cpp_source, const std::string& output, std::string& error);

// Where `#include "x.moz"` looks after the includer's directory: the
// directories of $MOSAIC_MODULE_PATH (colon-separated), then the standard
// Mozlog modules (share/mosaic/modules next to an installed mozc, or stdlib/
// of the source tree).
std::vector<std::string> module_dirs();

}  // namespace mozc

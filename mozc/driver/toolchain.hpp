// Turns generated C++ into a node executable by running the C++ compiler
// against the MOSAIC runtime (installed next to mozc, or in the build tree).
#pragma once

#include <string>
#include <vector>

namespace mozc {

// Compiles `cpp_source`, and the user's C++ sources beside it, into the
// executable `output`; `user_include_dirs` (-I, after the runtime's) hold the
// --functions headers the code includes. On failure returns false with a
// message in `error`, and leaves no output file behind.
bool build_executable(const std::string& cpp_source, const std::vector<std::string>& user_sources,
                      const std::vector<std::string>& user_include_dirs, const std::string& output,
                      std::string& error);

// Where the runtime's public headers (and the stdlib's) are, for the C++
// compiler and for reading --functions headers.
std::vector<std::string> runtime_include_dirs();

// Where `#include "x.moz"` looks after the includer's directory: the
// directories of $MOSAIC_MODULE_PATH (colon-separated), then the standard
// Mozlog modules (share/mosaic/modules next to an installed mozc, or stdlib/
// of the source tree).
std::vector<std::string> module_dirs();

}  // namespace mozc

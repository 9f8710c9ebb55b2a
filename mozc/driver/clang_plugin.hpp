// Finds and loads libmozc_clang.so on first use (see plugin/clang_plugin_api.hpp):
// next to an installed mozc (../lib/mosaic), else the build tree's.
#pragma once

#include <string>

#include "plugin/clang_plugin_api.hpp"

namespace mozc {

// The plugin's functions, or nullptr with the reason in `error`.
const ClangPluginApi* load_clang_plugin(std::string& error);

// For reading user headers like the clang binary would: Clang's own headers
// (stddef.h, ...; clang -print-resource-dir) and the binary itself.
std::string clang_resource_dir();
std::string clang_executable();

}  // namespace mozc

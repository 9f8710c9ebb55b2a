// libmozc_clang.so: exports the ffi reader and the formatter through one
// table; everything else stays hidden in the plugin.
#include "plugin/clang_plugin_api.hpp"

#include "ffi/header_reader.hpp"
#include "format/cpp_format.hpp"

extern "C" __attribute__((visibility("default"))) const mozc::ClangPluginApi* mozc_clang_plugin() {
  static const mozc::ClangPluginApi api{mozc::kClangPluginAbi, &mozc::read_headers, &mozc::format_cpp};
  return &api;
}

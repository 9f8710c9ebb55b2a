// The interface of libmozc_clang.so, mozc's Clang half: the ffi reader and the
// formatter of generated code. mozc loads it only when a compile needs Clang
// (--functions, --emit=cpp): linked into mozc itself, the Clang libraries
// would cost every run ~0.1 s of dynamic relocation before main().
// mozc and the plugin are built together, so C++ types cross the boundary.
#pragma once

#include <string>

#include "ffi/header_reading.hpp"

namespace mozc {

inline constexpr int kClangPluginAbi = 2;  // bump when this struct or the types it uses change

struct ClangPluginApi {
  int abi;
  HeaderReading (*read_headers)(const HeaderReadRequest& request);
  bool (*format_cpp)(const std::string& code, std::string& formatted, std::string& error);
};

}  // namespace mozc

// The one symbol the plugin exports.
extern "C" const mozc::ClangPluginApi* mozc_clang_plugin();

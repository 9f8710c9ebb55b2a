// Generated C++ as people read it: formatted with Clang's formatting library
// in one fixed style defined here (never a .clang-format found on disk), so
// the same program always gives the same bytes.
#pragma once

#include <string>

namespace mozc {

// False, with a reason in `error`, only if Clang cannot apply its own edits.
bool format_cpp(const std::string& code, std::string& formatted, std::string& error);

}  // namespace mozc

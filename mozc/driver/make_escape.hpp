// Make-style depfiles (mozc --depfile, and the build-time built-in table's):
// a path with spaces, '#' or '$' must be escaped to stay one prerequisite.
#pragma once

#include <string>

namespace mozc {

inline std::string escape_make(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

}  // namespace mozc

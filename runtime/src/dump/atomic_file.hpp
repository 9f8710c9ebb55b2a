// Writes a whole file so that readers see either the old or the new
// contents, never a half-written file: tests poll dumps while nodes run.
#pragma once

#include <string>
#include <string_view>

namespace mosaic {

// Writes `contents` to PATH.tmp and renames it to PATH. On failure returns
// false and says why in `error`.
bool write_file_atomically(const std::string& path, std::string_view contents, std::string& error);

}  // namespace mosaic

// Source buffers kept in memory; a location is a file index plus a byte offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mozc {

struct Loc {
  int32_t file = -1;  // -1: no location (compiler-made)
  uint32_t offset = 0;
  bool valid() const { return file >= 0; }
};

inline bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

struct LineCol {
  uint32_t line;  // 1-based
  uint32_t col;   // 1-based, in characters (UTF-8 code points)
};

class SourceManager {
 public:
  // Reads a file; nullopt if it cannot be read.
  std::optional<int32_t> load(const std::string& path);
  int32_t add(std::string name, std::string text);

  const std::string& name(int32_t file) const { return files_[file].name; }
  const std::string& text(int32_t file) const { return files_[file].text; }
  LineCol line_col(Loc loc) const;
  uint32_t byte_in_line(Loc loc) const;  // 0-based byte offset of loc within its line
  std::string_view line_text(Loc loc) const;
  // Source text from `begin` up to `end` (same file).
  std::string_view slice(Loc begin, Loc end) const;
  std::vector<std::string> paths() const;
  void set_included_from(int32_t file, Loc at) { files_[file].included_from = at; }
  Loc included_from(int32_t file) const { return files_[file].included_from; }

 private:
  struct File {
    std::string name;
    std::string text;
    std::vector<uint32_t> line_starts;
    Loc included_from;  // the #include that brought this file in, if any
  };
  std::vector<File> files_;
};

}  // namespace mozc

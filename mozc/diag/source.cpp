#include "diag/source.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace mozc {

std::optional<int32_t> SourceManager::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return add(path, ss.str());
}

int32_t SourceManager::add(std::string name, std::string text) {
  File f{std::move(name), std::move(text), {0}, {}};
  for (uint32_t i = 0; i < f.text.size(); ++i)
    if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
  files_.push_back(std::move(f));
  return static_cast<int32_t>(files_.size() - 1);
}

LineCol SourceManager::line_col(Loc loc) const {
  const auto& starts = files_[loc.file].line_starts;
  auto it = std::upper_bound(starts.begin(), starts.end(), loc.offset);
  uint32_t line = static_cast<uint32_t>(it - starts.begin());
  // Columns count characters, not bytes (as GCC's do), so that a caret under
  // UTF-8 text in a comment or string still points at the right place.
  const std::string& text = files_[loc.file].text;
  uint32_t col = 1;
  for (uint32_t i = starts[line - 1]; i < loc.offset && i < text.size(); ++i)
    col += !is_utf8_continuation(text[i]);
  return {line, col};
}

uint32_t SourceManager::byte_in_line(Loc loc) const {
  const auto& starts = files_[loc.file].line_starts;
  return loc.offset - *(std::upper_bound(starts.begin(), starts.end(), loc.offset) - 1);
}

std::string_view SourceManager::line_text(Loc loc) const {
  const auto& f = files_[loc.file];
  LineCol lc = line_col(loc);
  uint32_t begin = f.line_starts[lc.line - 1];
  uint32_t end = begin;
  while (end < f.text.size() && f.text[end] != '\n') ++end;
  if (end > begin && f.text[end - 1] == '\r') --end;  // a file with CRLF line ends
  return std::string_view(f.text).substr(begin, end - begin);
}

std::string_view SourceManager::slice(Loc begin, Loc end) const {
  const auto& t = files_[begin.file].text;
  return std::string_view(t).substr(begin.offset, end.offset - begin.offset);
}

std::vector<std::string> SourceManager::paths() const {
  std::vector<std::string> out;
  for (const auto& f : files_) out.push_back(f.name);
  return out;
}

}  // namespace mozc

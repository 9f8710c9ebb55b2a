#include "dump/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mosaic {

bool write_file_atomically(const std::string& path, std::string_view contents, std::string& error) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) {
    error = "cannot write " + tmp + ": " + std::strerror(errno);
    return false;
  }
  bool written = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
  int saved_errno = errno;
  if (std::fclose(f) != 0 && written) {
    written = false;
    saved_errno = errno;
  }
  if (!written) {
    error = "cannot write " + tmp + ": " + std::strerror(saved_errno);
    std::remove(tmp.c_str());
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace mosaic

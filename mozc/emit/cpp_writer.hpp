// Indented line output for the C++ emitter.
#pragma once

#include <string>

namespace mozc {

class CppWriter {
 public:
  void line(const std::string& text) {
    if (!text.empty()) out_.append(2 * depth_, ' ');
    out_ += text;
    out_ += '\n';
  }
  // A line that opens a block: what follows is indented one more level.
  void open(const std::string& text) {
    line(text);
    ++depth_;
  }
  void close(const std::string& text) {
    if (depth_ > 0) --depth_;
    line(text);
  }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
  int depth_ = 0;
};

}  // namespace mozc

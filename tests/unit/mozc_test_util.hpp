// Test helper: compiles Mozlog text through mozc's real pipeline.
#pragma once

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>

#include "driver/pipeline.hpp"

namespace mozc::testing {

// A source file in a fresh temporary directory, removed on destruction.
class TempSource {
 public:
  explicit TempSource(const std::string& text, const std::string& name = "test.moz") {
    char tmpl[] = "/tmp/mozc-unit-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    path_ = dir_ + "/" + name;
    std::ofstream(path_) << text;
  }
  ~TempSource() { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  const std::string& path() const { return path_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, path_;
};

struct Result {
  std::unique_ptr<Compilation> c = std::make_unique<Compilation>();
  bool ok = false;
  std::string diagnostics() const {
    std::ostringstream out;
    c->diags.print(out);
    return out.str();
  }
};

// Runs the stages `action` needs (Check: through localization; EmitCpp: all).
inline Result compile_text(const std::string& text, Action action = Action::EmitCpp) {
  TempSource src(text);
  Options o;
  o.action = action;
  o.inputs = {src.path()};
  Result r;
  r.ok = compile(o, *r.c);
  return r;
}

}  // namespace mozc::testing

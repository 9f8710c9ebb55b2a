// mozc's command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mozc {

enum class Action { Binary, Check, EmitAst, EmitRules, EmitDataflow, EmitCpp, Help, Version };

struct Options {
  Action action = Action::Binary;
  std::vector<std::string> inputs;
  std::string output;   // -o; empty: stdout for --emit, the first input's stem for binaries
  std::string depfile;  // --depfile: Make-style dependencies of the output
  // --cview-opt=LIST: the CView optimizations to apply (paper §5.2); "none" for none.
  bool cview_tail_calls = true;
  bool cview_inline = false;
  bool cview_shortcut = false;
};

// Returns the options, or an error message for a usage error.
std::optional<Options> parse_options(int argc, char** argv, std::string& error);
const char* usage_text();

}  // namespace mozc

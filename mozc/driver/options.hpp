// mozc's command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mozc {

enum class Action { Binary, Check, EmitAst, EmitRules, EmitPlan, EmitDataflow, EmitCpp, Help, Version };

struct Options {
  Action action = Action::Binary;
  std::vector<std::string> inputs;
  std::string output;   // -o; empty: stdout for --emit, the first input's stem for binaries
  std::string depfile;  // --depfile: Make-style dependencies of the output
  // --cview-opt=LIST: the CView optimizations to apply (paper §5.2); "none" for none.
  bool cview_tail_calls = true;
  bool cview_inline = false;
  bool cview_shortcut = false;
  bool cview_relay = false;  // relay: tcp.read whose data only a tcp.write takes -> one zero-copy call
  // --functions=FILE (repeatable): C++ headers whose f_ functions Mozlog may call.
  std::vector<std::string> function_headers;
  // Inputs named *.cpp, *.cc, *.cxx: C++ compiled and linked into the node binary
  // (the functions' implementations). Every other input is Mozlog.
  std::vector<std::string> cpp_sources;
};

bool is_cpp_source(const std::string& path);

// Returns the options, or an error message for a usage error.
std::optional<Options> parse_options(int argc, char** argv, std::string& error);
const char* usage_text();

}  // namespace mozc

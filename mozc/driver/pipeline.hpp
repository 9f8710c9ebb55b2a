// The whole pipeline in one place, top to bottom:
//   C++ sources readable? -> parse -> read --functions headers -> check -> rewrite
//   -> plan -> emit (-> format)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check/builtins.hpp"
#include "check/program_info.hpp"
#include "diag/diagnostics.hpp"
#include "driver/options.hpp"
#include "plan/plan.hpp"

namespace mozc {

struct Compilation {
  SourceManager sources;
  Diagnostics diags{sources};
  FunctionTable user_functions;  // declared in the --functions headers
  // Generated code includes the headers by file name and the C++ compiler
  // finds them through their directories (-I), so the code is the same
  // wherever the sources are.
  std::vector<std::string> function_includes;      // the headers' file names
  std::vector<std::string> function_include_dirs;  // their directories, absolute
  std::vector<std::string> function_files;         // every file reading them read (for --depfile)
  std::optional<CheckedProgram> checked;  // after check (and rewrite, when asked)
  Plan plan;
  std::string text;  // the requested output (ast, rules, dataflow or C++)
};

// Runs the stages the action needs; returns false if the program has errors.
bool compile(const Options& options, Compilation& c);

// The program's name: the first input's file name without directory and extension.
std::string program_name(const Options& options);

}  // namespace mozc

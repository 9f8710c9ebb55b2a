// The whole pipeline in one place, top to bottom:
//   parse -> check -> rewrite -> plan -> emit
#pragma once

#include <optional>
#include <string>

#include "check/program_info.hpp"
#include "diag/diagnostics.hpp"
#include "driver/options.hpp"
#include "plan/plan.hpp"

namespace mozc {

struct Compilation {
  SourceManager sources;
  Diagnostics diags{sources};
  std::optional<CheckedProgram> checked;  // after check (and rewrite, when asked)
  Plan plan;
  std::string text;  // the requested output (ast, rules, dataflow or C++)
};

// Runs the stages the action needs; returns false if the program has errors.
bool compile(const Options& options, Compilation& c);

// The program's name: the first input's file name without directory and extension.
std::string program_name(const Options& options);

}  // namespace mozc

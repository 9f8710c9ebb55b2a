// The emit stage: it prints the plan and decides nothing. C++ source of a node
// program (cpp_emitter.cpp and one file per kind of generated element) and
// the node's dataflow as Graphviz dot (dot_emitter.cpp).
#pragma once

#include <string>
#include <vector>

#include "check/program_info.hpp"
#include "plan/plan.hpp"

namespace mozc {

// `function_headers`: the --functions headers (absolute paths), included after the built-ins.
std::string emit_cpp(const CheckedProgram& program, const Plan& plan, const std::string& program_name,
                     const std::vector<std::string>& function_headers = {});

// Graphviz dot of the node's dataflow (--emit=dataflow).
std::string emit_dataflow(const Plan& plan, const std::string& program_name);

}  // namespace mozc

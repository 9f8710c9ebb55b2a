// The emit stage: C++ source of a node program. One struct per predicate with
// typed fields and generated (de)serializers, one table per materialized
// predicate with the indexes the plan chose, one function per strand, each
// preceded by the source text and location of its rule.
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
std::string emit_dataflow(const CheckedProgram& program, const Plan& plan, const std::string& program_name);

}  // namespace mozc

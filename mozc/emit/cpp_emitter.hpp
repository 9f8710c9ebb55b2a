// The emit stage: C++ source of a node program. One struct per predicate with
// typed fields and generated (de)serializers, one table per materialized
// predicate with the indexes the plan chose, one function per strand, each
// preceded by the source text and location of its rule.
#pragma once

#include <string>

#include "check/program_info.hpp"
#include "plan/plan.hpp"

namespace mozc {

std::string emit_cpp(const CheckedProgram& program, const Plan& plan, const std::string& program_name);

// Graphviz dot of the node's dataflow (--emit=dataflow).
std::string emit_dataflow(const CheckedProgram& program, const Plan& plan, const std::string& program_name);

}  // namespace mozc

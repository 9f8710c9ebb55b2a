// The rewrite stage: turns checked Mozlog into plain rules that each run at
// one node. Passes run in the order listed in rewrite.cpp.
#pragma once

#include "check/program_info.hpp"
#include "diag/diagnostics.hpp"

namespace mozc {

// Returns false (with diagnostics) if a rule cannot be rewritten.
bool rewrite(CheckedProgram& program, Diagnostics& diags);

// A head addressed to a static overlay address, p@ov::x(...), becomes the
// event ov.send(x, p(...)) that the overlay's data-plane rules forward.
bool desugar_overlay_sends(CheckedProgram& program, Diagnostics& diags);

// Rule localization (NDlog): a body whose predicates live at two or more
// locations is split so that each part runs at one node and ships its partial
// results to the next location as a generated predicate.
bool localize(CheckedProgram& program, Diagnostics& diags);

}  // namespace mozc

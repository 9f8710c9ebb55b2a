// The rewrite stage: turns checked Mozlog into plain rules that each run at
// one node. Passes run in the order listed in rewrite.cpp.
#pragma once

#include "check/program_info.hpp"
#include "diag/diagnostics.hpp"

namespace mozc {

// Returns false (with diagnostics) if a rule cannot be rewritten.
bool rewrite(CheckedProgram& program, Diagnostics& diags);

// CViews (paper §5.2). Runs before type checking: views become rules over
// generated predicates (context tables, init/return events), typed like any
// other. The optimizations can be switched off to measure them.
struct ViewOptions {
  bool tail_calls = true;      // a self-recursive tail call answers the original caller directly
  bool inline_views = false;   // a copy of the view per call site: answers go to one resume rule
  bool local_shortcut = false; // a call's own events skip the node's queue when they stay local
};
void expand_views(Program& program, const ViewOptions& options);

// A head addressed to a static overlay address, p@ov::x(...), becomes the
// event ov.send(x, p(...)) that the overlay's data-plane rules forward.
bool desugar_overlay_sends(CheckedProgram& program, Diagnostics& diags);

// Rule localization (NDlog): a body whose predicates live at two or more
// locations is split so that each part runs at one node and ships its partial
// results to the next location as a generated predicate.
bool localize(CheckedProgram& program, Diagnostics& diags);

}  // namespace mozc

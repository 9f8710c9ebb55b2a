// The views stage: CView expansion (paper §5.2). Runs after the view checks
// and before type checking: views become rules over generated predicates
// (context tables, init/return events), typed like any other.
#pragma once

#include "ast/ast.hpp"

namespace mozc {

// The optimizations can be switched off to measure them.
struct ViewOptions {
  bool tail_calls = true;      // a self-recursive tail call answers the original caller directly
  bool inline_views = false;   // a copy of the view per call site: answers go to one resume rule
  bool local_shortcut = false; // a call's own events skip the node's queue when they stay local
};
void expand_views(Program& program, const ViewOptions& options);

}  // namespace mozc

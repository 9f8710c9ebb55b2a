// CView checks, on the program as parsed (before rewrite/views.cpp expands
// the views into rules): definitions, this.init / this.return, call
// arities, result markers and binding patterns. Returns false with
// diagnostics when a view or a call is wrong.
#pragma once

#include "ast/ast.hpp"
#include "diag/diagnostics.hpp"

namespace mozc {

bool check_views(const Program& program, Diagnostics& diags);

}  // namespace mozc

// A lexer that reaches into a later stage, also by a relative path: the check must reject both.
#include "diag/diagnostics.hpp"
#include "plan/plan.hpp"
#include "../plan/plan.hpp"

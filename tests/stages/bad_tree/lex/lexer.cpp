// A lexer that reaches into a later stage: the check must reject it.
#include "diag/diagnostics.hpp"
#include "plan/plan.hpp"

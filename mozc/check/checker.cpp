#include "check/checker.hpp"

#include "check/check_context.hpp"

namespace mozc {

std::optional<CheckedProgram> check(Program program, Diagnostics& diags) {
  CheckedProgram out;
  CheckContext cx{program, out.preds, diags};
  collect_predicates(cx);
  // Safety before types: an unbound variable is the clearer report than the
  // untyped field it leaves behind.
  if (!diags.has_errors()) check_rules(cx);
  if (!diags.has_errors()) infer_types(cx);
  if (diags.has_errors()) return std::nullopt;
  out.program = std::move(program);
  return out;
}

}  // namespace mozc

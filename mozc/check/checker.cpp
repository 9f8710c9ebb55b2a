#include "check/checker.hpp"

#include "check/check_context.hpp"

namespace mozc {

std::optional<CheckedProgram> check(Program program, Diagnostics& diags) {
  CheckedProgram out;
  CheckContext cx{program, out.preds, diags, {}, 0};
  // Every pass runs, so that one run reports independent errors of every
  // kind; a rule found wrong by one pass is left out of the later ones
  // (cx.broken). Safety before types: an unbound variable is the clearer
  // report than the untyped field it leaves behind.
  collect_predicates(cx);
  check_rules(cx);
  cx.errors_before_types = diags.error_count();
  infer_types(cx);
  if (diags.has_errors()) return std::nullopt;
  check_sockets_stay(cx);
  if (diags.has_errors()) return std::nullopt;
  out.program = std::move(program);
  return out;
}

}  // namespace mozc

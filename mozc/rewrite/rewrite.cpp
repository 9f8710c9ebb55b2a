#include "rewrite/rewrite.hpp"

namespace mozc {

bool rewrite(CheckedProgram& program, Diagnostics& diags) {
  if (!desugar_overlay_sends(program, diags)) return false;
  if (!localize(program, diags)) return false;
  return true;
}

}  // namespace mozc

#include "rewrite/rewrite.hpp"

namespace mozc {

bool rewrite(CheckedProgram& program, Diagnostics& diags) {
  if (!localize(program, diags)) return false;
  return true;
}

}  // namespace mozc

// Turns one source buffer into tokens. Lexical errors become diagnostics and
// Error tokens, so the parser can go on and report more.
#pragma once

#include <vector>

#include "diag/diagnostics.hpp"
#include "lex/token.hpp"

namespace mozc {

std::vector<Token> lex(const SourceManager& sources, int32_t file, Diagnostics& diags);

}  // namespace mozc

// Tokens of Mozlog.
#pragma once

#include <string>

#include "diag/source.hpp"

namespace mozc {

enum class Tok {
  Ident,      // lowercase start, may be dotted: link, ron.RT, f_sha1
  Var,        // uppercase or '_' start: S, _, _Tmp
  Int,        // 42
  Float,      // 1.5, 2e3
  String,     // "text" (text holds the unescaped value)
  IdLit,      // 0x1fI (text holds the hex digits)
  Directive,  // #define / #include (text holds the word)
  EndDirective,
  LParen, RParen, LBracket, RBracket, LBrace, RBrace,
  Comma, Dot, If /* :- */, Assign /* := */, At, ColonColon, Amp,
  Eq, Ne, Lt, Le, Gt, Ge, Plus, Minus, Star, Slash, Percent, Shl, Shr,
  AndAnd, OrOr, Bang,
  Eof,
  Error,
};

struct Token {
  Tok kind;
  std::string text;
  Loc loc;
  Loc end;  // one past the last character
};

const char* tok_name(Tok t);

}  // namespace mozc

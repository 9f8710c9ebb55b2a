#include "lex/lexer.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace mozc {

const char* tok_name(Tok t) {
  switch (t) {
    case Tok::Ident: return "identifier";
    case Tok::Var: return "variable";
    case Tok::Int: return "integer";
    case Tok::Float: return "float";
    case Tok::String: return "string";
    case Tok::IdLit: return "id literal";
    case Tok::Directive: return "directive";
    case Tok::EndDirective: return "end of line";
    case Tok::LParen: return "'('";
    case Tok::RParen: return "')'";
    case Tok::LBracket: return "'['";
    case Tok::RBracket: return "']'";
    case Tok::LBrace: return "'{'";
    case Tok::RBrace: return "'}'";
    case Tok::Comma: return "','";
    case Tok::Dot: return "'.'";
    case Tok::If: return "':-'";
    case Tok::Assign: return "':='";
    case Tok::At: return "'@'";
    case Tok::ColonColon: return "'::'";
    case Tok::Amp: return "'&'";
    case Tok::Eq: return "'=='";
    case Tok::Ne: return "'!='";
    case Tok::Lt: return "'<'";
    case Tok::Le: return "'<='";
    case Tok::Gt: return "'>'";
    case Tok::Ge: return "'>='";
    case Tok::Plus: return "'+'";
    case Tok::Minus: return "'-'";
    case Tok::Star: return "'*'";
    case Tok::Slash: return "'/'";
    case Tok::Percent: return "'%'";
    case Tok::Shl: return "'<<'";
    case Tok::Shr: return "'>>'";
    case Tok::AndAnd: return "'&&'";
    case Tok::OrOr: return "'||'";
    case Tok::Bang: return "'!'";
    case Tok::Eof: return "end of file";
    case Tok::Error: return "invalid token";
  }
  return "?";
}

namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Lexer {
 public:
  Lexer(const std::string& text, int32_t file, Diagnostics& diags)
      : s_(text), file_(file), diags_(diags) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    bool in_directive = false;
    for (;;) {
      bool newline = skip_space_and_comments();
      if (in_directive && (newline || pos_ >= s_.size())) {
        out.push_back({Tok::EndDirective, "", loc(pos_), loc(pos_)});
        in_directive = false;
      }
      if (pos_ >= s_.size()) break;
      Token t = next();
      if (t.kind == Tok::Directive) in_directive = true;
      out.push_back(std::move(t));
    }
    out.push_back({Tok::Eof, "", loc(pos_), loc(pos_)});
    return out;
  }

 private:
  Loc loc(size_t p) const { return {file_, static_cast<uint32_t>(p)}; }
  char at(size_t p) const { return p < s_.size() ? s_[p] : '\0'; }

  // Returns whether a newline was crossed (directives end at the line's end).
  bool skip_space_and_comments() {
    bool newline = false;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\n') { newline = true; ++pos_; }
      else if (std::isspace(static_cast<unsigned char>(c))) ++pos_;
      else if (c == '/' && at(pos_ + 1) == '/') { while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_; }
      else if (c == '/' && at(pos_ + 1) == '*') {
        size_t start = pos_;
        pos_ += 2;
        while (pos_ < s_.size() && !(s_[pos_] == '*' && at(pos_ + 1) == '/')) {
          if (s_[pos_] == '\n') newline = true;
          ++pos_;
        }
        MOZC_DIAGNOSTIC(UnterminatedComment, Error, "unterminated comment");
        if (pos_ >= s_.size()) { diags_.emit(UnterminatedComment, loc(start)); break; }
        pos_ += 2;
      } else break;
    }
    return newline;
  }

  Token make(Tok k, size_t start, std::string text = {}) {
    return {k, std::move(text), loc(start), loc(pos_)};
  }

  Token next() {
    size_t start = pos_;
    char c = s_[pos_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return word(start);
    if (std::isdigit(static_cast<unsigned char>(c))) return number(start);
    if (c == '"') return string(start);
    if (c == '#') {
      ++pos_;
      while (ident_char(at(pos_))) ++pos_;
      std::string word = s_.substr(start + 1, pos_ - start - 1);
      if (word != "define" && word != "include") {
        MOZC_DIAGNOSTIC(UnknownDirective, Error, "unknown directive '#{0}' (expected #define or #include)");
        diags_.emit(UnknownDirective, loc(start), word);
        return make(Tok::Error, start);
      }
      return make(Tok::Directive, start, word);
    }
    auto two = [&](char second, Tok yes, Tok no) {
      ++pos_;
      if (at(pos_) == second) { ++pos_; return make(yes, start); }
      return make(no, start);
    };
    switch (c) {
      case '(': ++pos_; return make(Tok::LParen, start);
      case ')': ++pos_; return make(Tok::RParen, start);
      case '[': ++pos_; return make(Tok::LBracket, start);
      case ']': ++pos_; return make(Tok::RBracket, start);
      case '{': ++pos_; return make(Tok::LBrace, start);
      case '}': ++pos_; return make(Tok::RBrace, start);
      case ',': ++pos_; return make(Tok::Comma, start);
      case '.': ++pos_; return make(Tok::Dot, start);
      case '@': ++pos_; return make(Tok::At, start);
      case '+': ++pos_; return make(Tok::Plus, start);
      case '-': ++pos_; return make(Tok::Minus, start);
      case '*': ++pos_; return make(Tok::Star, start);
      case '/': ++pos_; return make(Tok::Slash, start);
      case '%': ++pos_; return make(Tok::Percent, start);
      case '&': return two('&', Tok::AndAnd, Tok::Amp);
      case '|':
        ++pos_;
        if (at(pos_) == '|') { ++pos_; return make(Tok::OrOr, start); }
        break;
      case '=':
        ++pos_;
        if (at(pos_) == '=') { ++pos_; return make(Tok::Eq, start); }
        MOZC_DIAGNOSTIC(SingleEqualsNotOperator, Error, "'=' is not an operator; use '==' to compare or ':=' to "
                        "assign");
        diags_.emit(SingleEqualsNotOperator, loc(start));
        return make(Tok::Error, start);
      case '!': return two('=', Tok::Ne, Tok::Bang);
      case '<':
        ++pos_;
        if (at(pos_) == '=') { ++pos_; return make(Tok::Le, start); }
        if (at(pos_) == '<') { ++pos_; return make(Tok::Shl, start); }
        return make(Tok::Lt, start);
      case '>':
        ++pos_;
        if (at(pos_) == '=') { ++pos_; return make(Tok::Ge, start); }
        if (at(pos_) == '>') { ++pos_; return make(Tok::Shr, start); }
        return make(Tok::Gt, start);
      case ':':
        ++pos_;
        if (at(pos_) == '-') { ++pos_; return make(Tok::If, start); }
        if (at(pos_) == '=') { ++pos_; return make(Tok::Assign, start); }
        if (at(pos_) == ':') { ++pos_; return make(Tok::ColonColon, start); }
        break;
      default: ++pos_; break;
    }
    MOZC_DIAGNOSTIC(UnexpectedCharacter, Error, "unexpected character '{0}'");
    diags_.emit(UnexpectedCharacter, loc(start), c);
    return make(Tok::Error, start);
  }

  Token word(size_t start) {
    while (ident_char(at(pos_))) ++pos_;
    bool var = std::isupper(static_cast<unsigned char>(s_[start])) || s_[start] == '_';
    // Dotted names (ron.RT, this.init) join while a letter follows the dot directly.
    if (!var) {
      while (at(pos_) == '.' && (std::isalpha(static_cast<unsigned char>(at(pos_ + 1))) || at(pos_ + 1) == '_')) {
        pos_ += 2;
        while (ident_char(at(pos_))) ++pos_;
      }
    }
    return make(var ? Tok::Var : Tok::Ident, start, s_.substr(start, pos_ - start));
  }

  Token number(size_t start) {
    if (s_[pos_] == '0' && (at(pos_ + 1) == 'x' || at(pos_ + 1) == 'X')) {
      pos_ += 2;
      size_t digits = pos_;
      while (std::isxdigit(static_cast<unsigned char>(at(pos_)))) ++pos_;
      std::string hex = s_.substr(digits, pos_ - digits);
      bool id = at(pos_) == 'I';
      if (id) ++pos_;
      if (hex.empty()) {
        MOZC_DIAGNOSTIC(HexadecimalLiteralHasNoDigits, Error, "hexadecimal literal has no digits");
        diags_.emit(HexadecimalLiteralHasNoDigits, loc(start));
        return make(Tok::Error, start);
      }
      if (id) {
        size_t significant = hex.find_first_not_of('0');
        if (significant != std::string::npos && hex.size() - significant > 40) {
          MOZC_DIAGNOSTIC(IdLiteralTooLarge, Error, "id literal does not fit in 160 bits");
          diags_.emit(IdLiteralTooLarge, loc(start));
          return make(Tok::Error, start);
        }
        return make(Tok::IdLit, start, hex);
      }
      if (hex.size() > 16) {
        MOZC_DIAGNOSTIC(IntegerLiteralTooLargeForInt, Error, "integer literal does not fit in 64 bits (add the "
                        "suffix I for an id)");
        diags_.emit(IntegerLiteralTooLargeForInt, loc(start));
        return make(Tok::Error, start);
      }
      return make(Tok::Int, start, std::to_string(static_cast<int64_t>(std::stoull(hex, nullptr, 16))));
    }
    while (std::isdigit(static_cast<unsigned char>(at(pos_)))) ++pos_;
    bool is_float = false;
    if (at(pos_) == '.' && std::isdigit(static_cast<unsigned char>(at(pos_ + 1)))) {
      is_float = true;
      ++pos_;
      while (std::isdigit(static_cast<unsigned char>(at(pos_)))) ++pos_;
    }
    if ((at(pos_) == 'e' || at(pos_) == 'E') &&
        (std::isdigit(static_cast<unsigned char>(at(pos_ + 1))) ||
         ((at(pos_ + 1) == '-' || at(pos_ + 1) == '+') && std::isdigit(static_cast<unsigned char>(at(pos_ + 2)))))) {
      is_float = true;
      pos_ += 2;
      while (std::isdigit(static_cast<unsigned char>(at(pos_)))) ++pos_;
    }
    std::string text = s_.substr(start, pos_ - start);
    if (!is_float) {
      errno = 0;
      char* end = nullptr;
      std::strtoll(text.c_str(), &end, 10);
      if (errno == ERANGE) {
        MOZC_DIAGNOSTIC(IntegerLiteralTooLarge, Error, "integer literal does not fit in 64 bits");
        diags_.emit(IntegerLiteralTooLarge, loc(start));
        return make(Tok::Error, start);
      }
    }
    return make(is_float ? Tok::Float : Tok::Int, start, text);
  }

  Token string(size_t start) {
    ++pos_;
    std::string value;
    while (pos_ < s_.size() && s_[pos_] != '"' && s_[pos_] != '\n') {
      char c = s_[pos_++];
      if (c != '\\') { value += c; continue; }
      char e = at(pos_++);
      switch (e) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case '"': value += '"'; break;
        case '\\': value += '\\'; break;
        default:
          MOZC_DIAGNOSTIC(UnknownEscapeSequence, Error, "unknown escape sequence '\\{0}'");
          diags_.emit(UnknownEscapeSequence, loc(pos_ - 2), e);
      }
    }
    if (at(pos_) != '"') {
      MOZC_DIAGNOSTIC(UnterminatedStringLiteral, Error, "unterminated string literal");
      diags_.emit(UnterminatedStringLiteral, loc(start));
      return make(Tok::Error, start);
    }
    ++pos_;
    return make(Tok::String, start, value);
  }

  const std::string& s_;
  int32_t file_;
  Diagnostics& diags_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<Token> lex(const SourceManager& sources, int32_t file, Diagnostics& diags) {
  return Lexer(sources.text(file), file, diags).run();
}

}  // namespace mozc

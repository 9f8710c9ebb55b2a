#include "facts/facts_parser.hpp"

#include <cctype>
#include <charconv>

#include "mosaic/codec.hpp"

namespace mosaic {

namespace {

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Recursive descent over the text; the first error ends parsing.
class FactsParser {
 public:
  explicit FactsParser(std::string_view text) : s_(text) {}

  ParsedFacts run() {
    ParsedFacts out;
    try {
      while (skip_space(), pos_ < s_.size()) out.facts.push_back(fact());
    } catch (const FactsError& e) {
      out.error = e;
    }
    return out;
  }

 private:
  Fact fact() {
    Fact f;
    f.where = here();
    f.predicate = predicate();
    skip_space();
    expect('(', "expected '(' after the predicate name");
    skip_space();
    if (peek() != ')') {
      if (peek() == '@') ++pos_;
      for (;;) {
        f.args.push_back(value());
        skip_space();
        if (peek() != ',') break;
        ++pos_;
      }
    }
    expect(')', "expected ',' or ')' after an argument");
    skip_space();
    expect('.', "expected '.' at the end of the fact");
    return f;
  }

  std::string predicate() {
    size_t start = pos_;
    if (!std::islower(static_cast<unsigned char>(peek()))) fail("expected a predicate name");
    while (is_ident_char(peek())) ++pos_;
    // Dotted names (ron.link) join while a letter follows the dot directly.
    while (peek() == '.' && (std::isalpha(static_cast<unsigned char>(peek(1))) || peek(1) == '_')) {
      pos_ += 2;
      while (is_ident_char(peek())) ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  Value value() {
    skip_space();
    char c = peek();
    if (c == '"') return Value{string()};
    if (c == '[') return list();
    if (c == '-' || is_digit(c)) return number();
    if (std::isalpha(static_cast<unsigned char>(c))) {
      FactsLocation at = here();
      size_t start = pos_;
      while (is_ident_char(peek()) || peek() == '.') ++pos_;
      if (peek() == ':' && peek(1) == ':') return overlay(at, s_.substr(start, pos_ - start));
      pos_ = start;
      while (is_ident_char(peek())) ++pos_;
      std::string_view word = s_.substr(start, pos_ - start);
      if (word == "true") return Value{true};
      if (word == "false") return Value{false};
      fail_at(at, "'" + std::string(word) + "' is not a value (a fact holds only literals)");
    }
    fail("expected a value");
  }

  // ov::V, where V is any value (another ov::V too).
  Value overlay(FactsLocation at, std::string_view name) {
    if (!Addr::valid_overlay_name(name)) {
      fail_at(at, "'" + std::string(name) + "' is not an overlay name (a lowercase letter, then a-z, 0-9, '_' " +
                      "or '.'; at most " + std::to_string(Addr::kMaxOverlayName) + " characters)");
    }
    Nest nest(*this, at);
    pos_ += 2;  // "::"
    ++overlays_;
    Value inner = value();
    --overlays_;
    return Value{Addr::overlay(std::string(name), std::move(inner))};
  }

  Value list() {
    Nest nest(*this, here());
    ++pos_;  // '['
    Value::List items;
    skip_space();
    if (peek() != ']') {
      for (;;) {
        items.push_back(value());
        skip_space();
        if (peek() != ',') break;
        ++pos_;
      }
    }
    expect(']', "expected ',' or ']' in a list");
    return Value{std::move(items)};
  }

  std::string string() {
    FactsLocation at = here();
    ++pos_;  // '"'
    std::string out;
    for (;;) {
      char c = peek();
      if (pos_ >= s_.size() || c == '\n') fail_at(at, "unterminated string literal");
      ++pos_;
      if (c == '"') {
        // Inside an overlay address, "IP:port" becomes an address: one more level.
        if (overlays_ > 0 && depth_ == kMaxNesting && Addr::parse(out)) fail_at(at, too_deep());
        return out;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      switch (peek()) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        default: --pos_; fail("unknown escape sequence in a string");
      }
      ++pos_;
    }
  }

  Value number() {
    FactsLocation at = here();
    bool negative = peek() == '-';
    if (negative) {
      ++pos_;
      skip_space();
      if (!is_digit(peek())) fail("expected a number after '-'");
    }
    Value v = peek() == '0' && (peek(1) == 'x' || peek(1) == 'X') ? hex(at, negative) : decimal(at, negative);
    if (is_ident_char(peek()) || (peek() == '.' && is_digit(peek(1)))) fail("unexpected character after a number");
    return v;
  }

  Value hex(FactsLocation at, bool negative) {
    pos_ += 2;
    size_t start = pos_;
    while (std::isxdigit(static_cast<unsigned char>(peek()))) ++pos_;
    std::string_view digits = s_.substr(start, pos_ - start);
    if (digits.empty()) fail_at(at, "hexadecimal literal has no digits");
    if (peek() == 'I') {
      ++pos_;
      if (negative) fail_at(at, "an id literal cannot be negative");
      auto id = Id::from_hex(digits);
      if (!id) fail_at(at, "id literal does not fit in 160 bits");
      return Value{*id};
    }
    uint64_t bits = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits, 16);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      fail_at(at, "integer literal does not fit in 64 bits (add the suffix I for an id)");
    }
    // As in programs, hex literals name the 64 bits: 0xffffffffffffffff is -1.
    int64_t v = static_cast<int64_t>(bits);
    return Value{negative ? static_cast<int64_t>(0 - bits) : v};
  }

  Value decimal(FactsLocation at, bool negative) {
    size_t start = pos_;
    bool is_float = false;
    while (is_digit(peek())) ++pos_;
    if (peek() == '.' && is_digit(peek(1))) {
      is_float = true;
      ++pos_;
      while (is_digit(peek())) ++pos_;
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (is_digit(peek(1)) || ((peek(1) == '-' || peek(1) == '+') && is_digit(peek(2))))) {
      is_float = true;
      pos_ += 2;
      while (is_digit(peek())) ++pos_;
    }
    std::string text = (negative ? "-" : "") + std::string(s_.substr(start, pos_ - start));
    const char* end = text.data() + text.size();
    if (is_float) {
      double d;
      auto [ptr, ec] = std::from_chars(text.data(), end, d);
      if (ec != std::errc() || ptr != end) fail_at(at, "float literal is out of range");
      return Value{d};
    }
    int64_t i;
    auto [ptr, ec] = std::from_chars(text.data(), end, i);
    if (ec != std::errc() || ptr != end) fail_at(at, "integer literal does not fit in 64 bits");
    return Value{i};
  }

  // Lists and overlay addresses nest at most kMaxNesting deep, as on the wire:
  // what a node reads from --facts it can send, and the parser's recursion is bounded.
  class Nest {
   public:
    Nest(FactsParser& p, FactsLocation at) : p_(p) {
      if (p_.depth_ == kMaxNesting) fail_at(at, too_deep());
      ++p_.depth_;
    }
    ~Nest() { --p_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    FactsParser& p_;
  };
  static std::string too_deep() {
    return "value nested more than " + std::to_string(kMaxNesting) + " levels deep (lists and overlay addresses)";
  }

  void skip_space() {
    for (;;) {
      char c = peek();
      if (c == '\n') {
        ++pos_;
        ++line_;
        line_start_ = pos_;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '/' && peek(1) == '/') {
        while (pos_ < s_.size() && peek() != '\n') ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        FactsLocation at = here();
        pos_ += 2;
        while (!(peek() == '*' && peek(1) == '/')) {
          if (pos_ >= s_.size()) fail_at(at, "unterminated comment");
          if (peek() == '\n') {
            ++line_;
            line_start_ = pos_ + 1;
          }
          ++pos_;
        }
        pos_ += 2;
      } else {
        return;
      }
    }
  }

  void expect(char c, const char* message) {
    if (peek() != c) fail(message);
    ++pos_;
  }
  char peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  FactsLocation here() const { return {line_, static_cast<int>(pos_ - line_start_) + 1}; }
  [[noreturn]] void fail(std::string message) const { fail_at(here(), std::move(message)); }
  [[noreturn]] static void fail_at(FactsLocation at, std::string message) { throw FactsError{at, std::move(message)}; }

  std::string_view s_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  int depth_ = 0;     // lists and overlay addresses around the value being read
  int overlays_ = 0;  // of which overlay addresses
};

}  // namespace

ParsedFacts parse_facts(std::string_view text) { return FactsParser(text).run(); }

}  // namespace mosaic

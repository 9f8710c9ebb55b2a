#include "check/builtins.hpp"

#include <cctype>
#include <stdexcept>

namespace mozc {

namespace {

// Parses the tiny signature language used in the table below.
class SigParser {
 public:
  explicit SigParser(const std::string& s) : s_(s) {}
  Signature parse() {
    Signature sig;
    sig.text = s_;
    expect('(');
    skip();
    if (peek() != ')') {
      for (;;) {
        sig.params.push_back(term());
        skip();
        if (peek() != ',') break;
        ++pos_;
      }
    }
    expect(')');
    expect('-');
    expect('>');
    sig.result = term();
    return sig;
  }

 private:
  void skip() { while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_; }
  char peek() { skip(); return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void expect(char c) {
    if (peek() != c) throw std::logic_error("bad builtin signature: " + s_);
    ++pos_;
  }
  TypeTerm term() {
    skip();
    size_t start = pos_;
    while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    std::string w = s_.substr(start, pos_ - start);
    TypeTerm t;
    if (w.size() == 1 && std::isupper(static_cast<unsigned char>(w[0]))) t.var = w[0] - 'A';
    else if (w == "int") t.kind = TypeKind::Int;
    else if (w == "float") t.kind = TypeKind::Float;
    else if (w == "bool") t.kind = TypeKind::Bool;
    else if (w == "string") t.kind = TypeKind::String;
    else if (w == "id") t.kind = TypeKind::Id;
    else if (w == "addr") t.kind = TypeKind::Addr;
    else if (w == "tuple") t.kind = TypeKind::Tuple;
    else if (w == "list") {
      t.kind = TypeKind::List;
      expect('<');
      t.args.push_back(term());
      expect('>');
    } else throw std::logic_error("bad builtin signature: " + s_);
    return t;
  }
  const std::string& s_;
  size_t pos_ = 0;
};

std::map<std::string, Signature> make_table() {
  const std::pair<const char*, const char*> table[] = {
      {"f_now", "() -> float"},
      {"f_rand", "() -> int"},
      {"f_drand", "() -> float"},
      {"f_randID", "() -> id"},
      {"f_coinFlip", "(float) -> bool"},
      {"f_sha1", "(T) -> id"},
      {"f_tostr", "(T) -> string"},
      {"f_float", "(int) -> float"},
      {"f_int", "(float) -> int"},
      {"f_min", "(T, T) -> T"},
      {"f_max", "(T, T) -> T"},
      {"f_cons", "(T, list<T>) -> list<T>"},
      {"f_append", "(list<T>, T) -> list<T>"},
      {"f_concat", "(list<T>, list<T>) -> list<T>"},
      {"f_member", "(list<T>, T) -> bool"},
      {"f_size", "(list<T>) -> int"},
      {"f_car", "(list<T>) -> T"},
      {"f_cdr", "(list<T>) -> list<T>"},
      {"f_last", "(list<T>) -> T"},
      {"f_removeLast", "(list<T>) -> list<T>"},
      {"f_ovName", "(addr) -> string"},
      {"f_ovAddr", "(addr) -> addr"},
      {"f_ovId", "(addr) -> id"},
      {"f_ovStr", "(addr) -> string"},
      {"f_routeHead", "(addr) -> addr"},
      {"f_routeTail", "(addr) -> addr"},
      {"f_isIp", "(addr) -> bool"},
  };
  std::map<std::string, Signature> out;
  for (const auto& [name, sig] : table) out[name] = SigParser(sig).parse();
  return out;
}

}  // namespace

const std::map<std::string, Signature>& builtins() {
  static const std::map<std::string, Signature> table = make_table();
  return table;
}

const Signature* find_builtin(const std::string& name) {
  auto it = builtins().find(name);
  return it == builtins().end() ? nullptr : &it->second;
}

}  // namespace mozc

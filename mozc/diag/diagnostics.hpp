// Collects diagnostics and prints them GCC-style:
//   file:line:col: error: message
//     <source line>
//     ^
// followed by notes that point at related places.
//
// Each diagnostic is declared once, next to where it is reported, with an id,
// a fixed severity and a message format (as Carbon's CARBON_DIAGNOSTIC):
//   MOZC_DIAGNOSTIC(UnknownConstant, Error, "unknown constant '{0}'");
//   diags.emit(UnknownConstant, t.loc, t.text);
// {0}..{9} stand for the arguments; the compiler checks their number. Every id
// is listed in diag/diagnostic_kinds.def, which tests use to require a test
// for each (tests/golden/check_diagnostic_coverage.py).
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "diag/source.hpp"

namespace mozc {

enum class Severity { Error, Warning, Note };

enum class DiagnosticKind {
#define MOZC_DIAGNOSTIC_KIND(Name) Name,
#include "diag/diagnostic_kinds.def"
};

std::string_view diagnostic_id(DiagnosticKind kind);

// How many arguments a format takes: one more than its highest {N}.
consteval int format_arguments(std::string_view format) {
  int n = 0;
  for (size_t i = 0; i + 2 < format.size(); ++i)
    if (format[i] == '{' && format[i + 1] >= '0' && format[i + 1] <= '9' && format[i + 2] == '}')
      n = std::max(n, format[i + 1] - '0' + 1);
  return n;
}

template <int Arguments>
struct DiagnosticDef {
  DiagnosticKind kind;
  Severity severity;
  std::string_view format;
};

#define MOZC_DIAGNOSTIC(Name, SeverityName, Format)                                      \
  static constexpr ::mozc::DiagnosticDef<::mozc::format_arguments(Format)> Name{       \
      ::mozc::DiagnosticKind::Name, ::mozc::Severity::SeverityName, Format}

// The text an argument stands for in a message.
inline std::string argument_text(std::string_view s) { return std::string(s); }
inline std::string argument_text(char c) { return std::string(1, c); }
template <std::integral T>
  requires(!std::same_as<T, char>)
std::string argument_text(T v) { return std::to_string(v); }

struct Diagnostic {
  DiagnosticKind kind;
  Severity severity;
  Loc loc;
  std::string message;
};

class Diagnostics {
 public:
  explicit Diagnostics(const SourceManager& sources) : sources_(sources) {}

  // A note attaches to the diagnostic reported just before it.
  template <int N, typename... Args>
    requires(sizeof...(Args) == N)
  void emit(const DiagnosticDef<N>& def, Loc loc, const Args&... args) {
    std::array<std::string, N> texts{argument_text(args)...};
    add(def.kind, def.severity, loc, format_message(def.format, texts.data()));
  }

  int error_count() const { return errors_; }
  bool has_errors() const { return errors_ > 0; }
  const std::vector<Diagnostic>& all() const { return diags_; }
  void print(std::ostream& out) const;

 private:
  static std::string format_message(std::string_view format, const std::string* args);
  void add(DiagnosticKind kind, Severity s, Loc loc, std::string message);
  void print_one(std::ostream& out, const Diagnostic& d, const char* label) const;
  const SourceManager& sources_;
  std::vector<Diagnostic> diags_;
  int errors_ = 0;
};

}  // namespace mozc

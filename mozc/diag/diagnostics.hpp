// Collects diagnostics and prints them GCC-style:
//   file:line:col: error: message
//     <source line>
//     ^
// followed by notes that point at related places.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "diag/source.hpp"

namespace mozc {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity;
  Loc loc;
  std::string message;
};

class Diagnostics {
 public:
  explicit Diagnostics(const SourceManager& sources) : sources_(sources) {}

  void error(Loc loc, std::string message) { add(Severity::Error, loc, std::move(message)); }
  void warning(Loc loc, std::string message) { add(Severity::Warning, loc, std::move(message)); }
  // A note attaches to the diagnostic reported just before it.
  void note(Loc loc, std::string message) { add(Severity::Note, loc, std::move(message)); }

  int error_count() const { return errors_; }
  bool has_errors() const { return errors_ > 0; }
  const std::vector<Diagnostic>& all() const { return diags_; }
  void print(std::ostream& out) const;

 private:
  void add(Severity s, Loc loc, std::string message);
  void print_one(std::ostream& out, const Diagnostic& d, const char* label) const;
  const SourceManager& sources_;
  std::vector<Diagnostic> diags_;
  int errors_ = 0;
};

}  // namespace mozc

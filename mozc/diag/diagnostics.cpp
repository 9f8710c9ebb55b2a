#include "diag/diagnostics.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace mozc {

std::string_view diagnostic_id(DiagnosticKind kind) {
  static constexpr std::string_view kIds[] = {
#define MOZC_DIAGNOSTIC_KIND(Name) #Name,
#include "diag/diagnostic_kinds.def"
  };
  return kIds[static_cast<int>(kind)];
}

std::string Diagnostics::format_message(std::string_view format, const std::string* args) {
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '{' && i + 2 < format.size() && format[i + 1] >= '0' && format[i + 1] <= '9' &&
        format[i + 2] == '}') {
      out += args[format[i + 1] - '0'];
      i += 2;
    } else {
      out += format[i];
    }
  }
  return out;
}

namespace {

// MOZC_DIAGNOSTIC_LOG=FILE appends the id of every diagnostic reported to FILE,
// one a line: how the coverage check learns which ids the tests reach.
void log_id(DiagnosticKind kind) {
  static const char* const path = std::getenv("MOZC_DIAGNOSTIC_LOG");
  if (!path || !*path) return;
  if (FILE* f = std::fopen(path, "a")) {
    std::string line = std::string(diagnostic_id(kind)) + "\n";
    std::fputs(line.c_str(), f);  // one short append: safe beside other processes'
    std::fclose(f);
  }
}

}  // namespace

void Diagnostics::add(DiagnosticKind kind, Severity s, Loc loc, std::string message) {
  if (s == Severity::Error) ++errors_;
  log_id(kind);
  diags_.push_back({kind, s, loc, std::move(message)});
}

void Diagnostics::print(std::ostream& out) const {
  static const char* kLabel[] = {"error", "warning", "note"};
  // Stages report in their own order (the lexer before the parser); print in
  // source order, each error followed by its notes.
  std::vector<std::vector<const Diagnostic*>> groups;
  for (const auto& d : diags_) {
    if (d.severity != Severity::Note || groups.empty()) groups.emplace_back();
    groups.back().push_back(&d);
  }
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    Loc x = a.front()->loc, y = b.front()->loc;
    return std::make_pair(x.file, x.offset) < std::make_pair(y.file, y.offset);
  });
  for (const auto& group : groups) {
    for (const Diagnostic* dp : group) print_one(out, *dp, kLabel[static_cast<int>(dp->severity)]);
  }
}

void Diagnostics::print_one(std::ostream& out, const Diagnostic& d, const char* label) const {
  if (!d.loc.valid()) {
    out << "mozc: " << label << ": " << d.message << "\n";
    return;
  }
  LineCol lc = sources_.line_col(d.loc);
  std::string text;
  // As GCC does: where an error in an included file was included from.
  if (d.severity != Severity::Note) {
    const char* lead = "In file included from ";
    for (Loc at = sources_.included_from(d.loc.file); at.valid(); at = sources_.included_from(at.file)) {
      LineCol ic = sources_.line_col(at);
      text += lead + sources_.name(at.file) + ":" + std::to_string(ic.line) + ":" + std::to_string(ic.col) + ",\n";
      lead = "                 from ";
    }
    if (!text.empty()) text.replace(text.size() - 2, 2, ":\n");
  }
  text += sources_.name(d.loc.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col) +
                     ": " + label + ": " + d.message + "\n";
  // Show the line, or a window of it around the column when it is very long.
  std::string_view line = sources_.line_text(d.loc);
  size_t col = sources_.byte_in_line(d.loc);
  constexpr size_t kWindow = 80;
  std::string prefix, suffix;
  if (line.size() > 2 * kWindow) {
    size_t begin = col > kWindow ? col - kWindow : 0;
    if (begin > 0) prefix = "...";
    if (begin + 2 * kWindow < line.size()) suffix = "...";
    line = line.substr(begin, 2 * kWindow);
    col -= begin;
  }
  text += "  " + prefix + std::string(line) + suffix + "\n  " + std::string(prefix.size(), ' ');
  // Keep tabs so the caret lines up under the same column; one space per
  // character, not per byte.
  for (size_t i = 0; i < col && i < line.size(); ++i)
    if (!is_utf8_continuation(line[i])) text += line[i] == '\t' ? '\t' : ' ';
  text += "^\n";
  out << text;  // one write per diagnostic: std::cerr is unbuffered
}

}  // namespace mozc

#include "diag/diagnostics.hpp"

namespace mozc {

void Diagnostics::add(Severity s, Loc loc, std::string message) {
  if (s == Severity::Error) ++errors_;
  diags_.push_back({s, loc, std::move(message)});
}

void Diagnostics::print(std::ostream& out) const {
  static const char* kLabel[] = {"error", "warning", "note"};
  for (const auto& d : diags_) {
    const char* label = kLabel[static_cast<int>(d.severity)];
    if (!d.loc.valid()) {
      out << "mozc: " << label << ": " << d.message << "\n";
      continue;
    }
    LineCol lc = sources_.line_col(d.loc);
    out << sources_.name(d.loc.file) << ":" << lc.line << ":" << lc.col << ": " << label << ": "
        << d.message << "\n";
    std::string_view line = sources_.line_text(d.loc);
    out << "  " << line << "\n  ";
    // Keep tabs so the caret lines up under the same column.
    for (uint32_t i = 0; i + 1 < lc.col && i < line.size(); ++i) out << (line[i] == '\t' ? '\t' : ' ');
    out << "^\n";
  }
}

}  // namespace mozc

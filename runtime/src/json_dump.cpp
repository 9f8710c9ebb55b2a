#include "json_dump.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace mosaic {

void JsonDump::begin_table(std::string_view name) { table_ = &tables_[std::string(name)]; }

void JsonDump::end_row() {
  if (!table_) begin_table("");  // a row outside any table still shows up
  table_->push_back("[" + row_ + "]");
}

void JsonDump::field(std::string json) {
  if (!row_.empty()) row_ += ", ";
  row_ += json;
}

void JsonDump::number(int64_t v) { field(nlohmann::json(v).dump()); }
void JsonDump::number(double v) { field(nlohmann::json(v).dump()); }
void JsonDump::boolean(bool v) { field(v ? "true" : "false"); }
void JsonDump::string(std::string_view v) {
  // Replace, not throw, if a program holds bytes that are not UTF-8.
  field(nlohmann::json(std::string(v)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string JsonDump::text() const {
  std::string out = "{";
  bool first_table = true;
  for (const auto& [name, rows] : tables_) {
    out += first_table ? "\n  " : ",\n  ";
    first_table = false;
    out += nlohmann::json(name).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + ": [";
    std::vector<const std::string*> sorted;
    for (const auto& row : rows) sorted.push_back(&row);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return *a < *b; });
    for (size_t i = 0; i < sorted.size(); ++i) out += (i ? ",\n    " : "\n    ") + *sorted[i];
    out += sorted.empty() ? "]" : "\n  ]";
  }
  out += first_table ? "}\n" : "\n}\n";
  return out;
}

}  // namespace mosaic

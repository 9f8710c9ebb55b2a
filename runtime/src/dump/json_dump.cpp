#include "dump/json_dump.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace mosaic {

namespace {

std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<const std::string*> sorted(const std::vector<std::string>& rows) {
  std::vector<const std::string*> out;
  for (const auto& row : rows) out.push_back(&row);
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return *a < *b; });
  return out;
}

std::string one_line(const std::vector<std::string>& rows) {
  std::string out = "[";
  bool first = true;
  for (const std::string* row : sorted(rows)) {
    if (!first) out += ", ";
    first = false;
    out += *row;
  }
  return out + "]";
}

}  // namespace

void JsonDump::begin_table(std::string_view name) {
  table_name_ = name;
  table_ = &tables_[table_name_];
}

void JsonDump::end_row() {
  if (!table_) begin_table("");  // a row outside any table still shows up
  if (skipping()) return;
  table_->push_back("[" + row_ + "]");
}

void JsonDump::field(std::string json) {
  if (skipping()) return;
  if (!row_.empty()) row_ += ", ";
  row_ += json;
}

void JsonDump::number(int64_t v) {
  if (!skipping()) field(nlohmann::json(v).dump());
}
void JsonDump::number(double v) {
  if (!skipping()) field(nlohmann::json(v).dump());
}
void JsonDump::boolean(bool v) { field(v ? "true" : "false"); }
void JsonDump::string(std::string_view v) {
  // Replace, not throw, if a program holds bytes that are not UTF-8.
  if (!skipping()) field(json_string(std::string(v)));
}

std::string JsonDump::text() const {
  std::string out = "{";
  bool first_table = true;
  for (const auto& [name, rows] : tables_) {
    out += first_table ? "\n  " : ",\n  ";
    first_table = false;
    out += json_string(name) + ": [";
    std::vector<const std::string*> in_order = sorted(rows);
    for (size_t i = 0; i < in_order.size(); ++i) out += (i ? ",\n    " : "\n    ") + *in_order[i];
    out += in_order.empty() ? "]" : "\n  ]";
  }
  out += first_table ? "}\n" : "\n}\n";
  return out;
}

std::string JsonDump::line() const {
  std::string out = "{";
  for (const auto& [name, rows] : tables_) {
    if (out.size() > 1) out += ", ";
    out += json_string(name) + ": " + one_line(rows);
  }
  return out + "}";
}

std::vector<std::string> JsonDump::table_names() const {
  std::vector<std::string> names;
  for (const auto& entry : tables_) names.push_back(entry.first);
  return names;
}

std::string JsonDump::rows(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? "[]" : one_line(it->second);
}

}  // namespace mosaic

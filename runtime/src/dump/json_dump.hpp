// The JsonSink behind --dump: collects the rows a Program reports and prints
//   {"TABLE": [[field, ...], ...], ...}
// with tables by name and each table's rows sorted by their JSON text, so two
// nodes holding the same state print the same file. The control endpoint
// uses the same rows on one line (line(), rows()), optionally for one table.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/literal.hpp"

namespace mosaic {

class JsonDump final : public JsonSink {
 public:
  JsonDump() = default;
  // Collects the rows of `only_table` alone; other tables are still known by name.
  explicit JsonDump(std::string only_table) : only_(std::move(only_table)) {}

  void begin_table(std::string_view name) override;
  void end_table() override {}
  void begin_row() override { row_.clear(); }
  void end_row() override;
  void number(int64_t v) override;
  void number(double v) override;
  void boolean(bool v) override;
  void string(std::string_view v) override;

  // The --dump file: {"TABLE": [[field, ...], ...], ...}, one row per line.
  std::string text() const;
  // The same object on one line, without a newline at the end.
  std::string line() const;
  bool has_table(const std::string& name) const { return tables_.count(name) > 0; }
  std::vector<std::string> table_names() const;
  // One table's rows as a JSON array on one line, sorted as in text(); "[]" if unknown.
  std::string rows(const std::string& name) const;

 private:
  void field(std::string json);
  bool skipping() const { return only_ && table_name_ != *only_; }

  std::optional<std::string> only_;
  std::string table_name_;
  std::map<std::string, std::vector<std::string>> tables_;  // rows as JSON text
  std::vector<std::string>* table_ = nullptr;
  std::string row_;
};

}  // namespace mosaic

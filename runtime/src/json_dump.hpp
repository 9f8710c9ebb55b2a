// The JsonSink behind --dump: collects the rows a Program reports and prints
//   {"TABLE": [[field, ...], ...], ...}
// with tables by name and each table's rows sorted by their JSON text, so two
// nodes holding the same state print the same file.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/literal.hpp"

namespace mosaic {

class JsonDump final : public JsonSink {
 public:
  void begin_table(std::string_view name) override;
  void end_table() override {}
  void begin_row() override { row_.clear(); }
  void end_row() override;
  void number(int64_t v) override;
  void number(double v) override;
  void boolean(bool v) override;
  void string(std::string_view v) override;

  std::string text() const;

 private:
  void field(std::string json);

  std::map<std::string, std::vector<std::string>> tables_;  // rows as JSON text
  std::vector<std::string>* table_ = nullptr;
  std::string row_;
};

}  // namespace mosaic

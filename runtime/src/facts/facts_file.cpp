#include "facts/facts_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mosaic {

std::string read_facts_file(const std::string& path, std::vector<Fact>& facts) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + ": error: cannot read facts file: " + std::strerror(errno);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return path + ": error: cannot read facts file";
  ParsedFacts parsed = parse_facts(text.str());
  if (parsed.error) {
    const FactsError& e = *parsed.error;
    return path + ":" + std::to_string(e.where.line) + ":" + std::to_string(e.where.column) + ": error: " + e.message;
  }
  facts = std::move(parsed.facts);
  return "";
}

std::string insert_facts(const std::string& path, const std::vector<Fact>& facts, Program& program) {
  for (const Fact& fact : facts) {
    std::string problem = program.insert_fact(fact.predicate, fact.args);
    if (!problem.empty())
      return path + ":" + std::to_string(fact.where.line) + ":" + std::to_string(fact.where.column) + ": error: " +
             problem;
  }
  return "";
}

}  // namespace mosaic

// Loading a --facts file into a Program, with errors located in the file.
#pragma once

#include <string>
#include <vector>

#include "facts/facts_parser.hpp"
#include "mosaic/program.hpp"

namespace mosaic {

// Reads and parses the file; returns "" or an error ready to print
// ("FILE:LINE:COL: error: message").
std::string read_facts_file(const std::string& path, std::vector<Fact>& facts);
// Inserts each fact; returns "" or the first rejection ("FILE:LINE: error: message").
std::string insert_facts(const std::string& path, const std::vector<Fact>& facts, Program& program);

}  // namespace mosaic

// Reads a --facts file: ground facts in Mozlog syntax, one or more per line,
//   link("127.0.0.1:9001", "127.0.0.1:9002", 3).  // comments as in programs
// Values are ints (optionally negative, decimal or 0x hex), floats, strings
// with \" \\ \n \t escapes, true/false, id literals (0x1fI), lists [a, b] and
// overlay addresses ov::V, where V is any value, another ov::V included:
//   route(ron::sr::["127.0.0.1:9001", fwd::0x10I]).
// An overlay name (ov) is a lowercase letter, then a-z, 0-9, '_' or '.', with
// `::` directly after it. Lists and overlay addresses nest at most kMaxNesting
// (codec.hpp) deep, counting an "IP:port" string inside an overlay address,
// which becomes an address.
// Predicate names may be dotted (ron.link); an '@' before the first argument
// (the NDlog location form) is accepted and ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/value.hpp"

namespace mosaic {

struct FactsLocation {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

struct Fact {
  std::string predicate;
  std::vector<Value> args;
  FactsLocation where;  // of the predicate name
};

struct FactsError {
  FactsLocation where;
  std::string message;
};

struct ParsedFacts {
  std::vector<Fact> facts;
  std::optional<FactsError> error;  // parsing stops at the first error
};

ParsedFacts parse_facts(std::string_view text);

}  // namespace mosaic

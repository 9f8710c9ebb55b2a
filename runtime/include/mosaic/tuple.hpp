// The tuple of one predicate, as generated code declares it in one line:
//
//   using link_t = Tuple<"link", Keys<0, 1>, Addr, Addr, int64_t>;
//
// Fields are read with get<I>(t). The template gives every tuple type its
// primary key, equality, wire codec ([predicate][tagged fields...]), JSON dump
// and conversion from the dynamically typed values of --facts files, so mozc
// prints none of that per program.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "mosaic/codec.hpp"
#include "mosaic/literal.hpp"
#include "mosaic/packet.hpp"
#include "mosaic/value.hpp"

namespace mosaic {

// A predicate name as a template argument.
template <size_t N>
struct PredName {
  char text[N];
  constexpr PredName(const char (&s)[N]) {  // NOLINT: implicit, so "link" can be written as is
    for (size_t i = 0; i < N; ++i) text[i] = s[i];
  }
  constexpr std::string_view view() const { return {text, N - 1}; }
};

// The 0-based positions of a table's primary key.
template <size_t... I>
struct Keys {};

// Mozlog's name of a field type, for messages about --facts ("list<addr>").
template <class T> struct TypeName;
template <> struct TypeName<int64_t> { static std::string str() { return "int"; } };
template <> struct TypeName<double> { static std::string str() { return "float"; } };
template <> struct TypeName<bool> { static std::string str() { return "bool"; } };
template <> struct TypeName<std::string> { static std::string str() { return "string"; } };
template <> struct TypeName<Id> { static std::string str() { return "id"; } };
template <> struct TypeName<Addr> { static std::string str() { return "addr"; } };
template <> struct TypeName<Packet> { static std::string str() { return "tuple"; } };
template <class T> struct TypeName<std::vector<T>> {
  static std::string str() { return "list<" + TypeName<T>::str() + ">"; }
};

template <PredName Name, class KeyPositions, class... Fields>
struct Tuple;

template <PredName Name, size_t... K, class... Fields>
struct Tuple<Name, Keys<K...>, Fields...> {
  static constexpr std::string_view kName = Name.view();
  static constexpr size_t kArity = sizeof...(Fields);
  using Values = std::tuple<Fields...>;
  using Key = std::tuple<std::tuple_element_t<K, Values>...>;

  Values fields;

  Tuple() = default;
  // Only from field values: no conversion between two predicates' tuples.
  Tuple(Fields... f) requires(kArity > 0) : fields(std::move(f)...) {}  // NOLINT: implicit

  Key key() const { return Key{std::get<K>(fields)...}; }
  friend bool operator==(const Tuple& a, const Tuple& b) { return a.fields == b.fields; }

  // The predicate and fields as `ov.send` carries them.
  void encode(Writer& w) const {
    std::apply([&](const auto&... f) { (put(w, f), ...); }, fields);
  }
  bool decode(Reader& r) {
    return std::apply([&](auto&... f) { return (get(r, f) && ...); }, fields);
  }
  Packet pack() const {
    Writer w;
    w.bytes(kName);
    encode(w);
    return Packet{w.take()};
  }
  void dump(JsonSink& s) const {
    std::apply([&](const auto&... f) { (dump_field(s, f), ...); }, fields);
  }
  // From a --facts row: the index of the first field that does not convert
  // (v.size() when the count is wrong), or size_t(-1) when all do.
  size_t assign(const std::vector<Value>& v) {
    if (v.size() != kArity) return kArity;
    return assign_from(v, std::index_sequence_for<Fields...>{});
  }
  // "link(addr, addr, int)"
  static std::string signature() {
    std::string out(kName);
    out += '(';
    size_t i = 0;
    ((out += (i++ ? ", " : "") + TypeName<Fields>::str()), ...);
    return out + ')';
  }

 private:
  template <size_t... I>
  size_t assign_from(const std::vector<Value>& v, std::index_sequence<I...>) {
    size_t bad = size_t(-1);
    ((bad == size_t(-1) && !convert(v[I], std::get<I>(fields)) ? (bad = I, 0) : 0), ...);
    return bad;
  }
};

template <size_t I, PredName N, class K, class... F>
const auto& get(const Tuple<N, K, F...>& t) { return std::get<I>(t.fields); }
template <size_t I, PredName N, class K, class... F>
auto& get(Tuple<N, K, F...>& t) { return std::get<I>(t.fields); }

// A secondary index of a table: the fields at positions I... of Row.
template <class Row, size_t... I>
struct Index {
  using Key = std::tuple<std::remove_cvref_t<decltype(get<I>(std::declval<const Row&>()))>...>;
  static Key key(const Row& r) { return Key{get<I>(r)...}; }
};

}  // namespace mosaic

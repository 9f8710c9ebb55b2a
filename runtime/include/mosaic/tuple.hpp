// The tuple of one predicate, as generated code declares it in one line:
//
//   using Tuple_link = Tuple<"link", Keys<0, 1>, Addr, Addr, int64_t>;
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
#include <type_traits>
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
template <> struct TypeName<Bytes> { static std::string str() { return "bytes"; } };
template <> struct TypeName<Ip> { static std::string str() { return "ip"; } };
template <> struct TypeName<Socket> { static std::string str() { return "socket"; } };
template <class T> struct TypeName<std::vector<T>> {
  static std::string str() { return "list<" + TypeName<T>::str() + ">"; }
};

// A tuple's fields are flat bases Field<0, T0>, Field<1, T1>, ... rather than
// a std::tuple: get<I>(t) is then one tiny function shared by every predicate
// with a field of that type at that position, which keeps generated programs
// quick to compile (std::tuple's recursion and constructor overloads are not).
template <size_t I, class T>
struct Field {
  T value{};
};
template <size_t I, class T>
const T& get(const Field<I, T>& f) { return f.value; }
template <size_t I, class T>
T& get(Field<I, T>& f) { return f.value; }

template <class Positions, class... Fields>
struct FieldList;
template <size_t... I, class... Fields>
struct FieldList<std::index_sequence<I...>, Fields...> : Field<I, Fields>... {
  FieldList() = default;
  template <size_t N = sizeof...(Fields), std::enable_if_t<(N > 0), int> = 0>
  FieldList(Fields... f) : Field<I, Fields>{std::move(f)}... {}  // NOLINT: implicit

  friend bool operator==(const FieldList& a, const FieldList& b) { return ((get<I>(a) == get<I>(b)) && ...); }
  void encode(Writer& w) const { (put(w, get<I>(*this)), ...); }
  bool decode(Reader& r) { return (get(r, get<I>(*this)) && ...); }
  void dump(JsonSink& s) const { (dump_field(s, get<I>(*this)), ...); }
  template <class F>
  void for_each_field(F&& f) const { (f(get<I>(*this)), ...); }
  // The index of the first value that does not convert, or size_t(-1).
  size_t convert_from(const std::vector<Value>& v) {
    size_t bad = size_t(-1);
    ((bad == size_t(-1) && !convert(v[I], get<I>(*this)) ? (bad = I, 0) : 0), ...);
    return bad;
  }
};

template <size_t I, class... Ts>
using NthType = std::tuple_element_t<I, std::tuple<Ts...>>;

template <PredName Name, class KeyPositions, class... Fields>
struct Tuple;

template <PredName Name, size_t... K, class... Fields>
struct Tuple<Name, Keys<K...>, Fields...> : FieldList<std::index_sequence_for<Fields...>, Fields...> {
  using Base = FieldList<std::index_sequence_for<Fields...>, Fields...>;
  static constexpr std::string_view kName = Name.view();
  static constexpr size_t kArity = sizeof...(Fields);
  using Key = std::tuple<NthType<K, Fields...>...>;

  using Base::Base;

  Key key() const { return Key{get<K>(*this)...}; }

  // The predicate and fields as `ov.send` carries them.
  Packet pack() const {
    Writer w;
    w.bytes(kName);
    this->encode(w);
    return Packet{w.take()};
  }
  // From a --facts row: the index of the first field that does not convert
  // (v.size() when the count is wrong), or size_t(-1) when all do.
  size_t assign(const std::vector<Value>& v) { return v.size() != kArity ? kArity : this->convert_from(v); }
  // "link(addr, addr, int)"
  static std::string signature() {
    std::string out(kName);
    out += '(';
    size_t i = 0;
    ((out += (i++ ? ", " : "") + TypeName<Fields>::str()), ...);
    return out + ')';
  }
};

// A secondary index of a table: the fields at positions I... of Row.
template <class Row, size_t... I>
struct Index {
  using Key = std::tuple<std::remove_cvref_t<decltype(get<I>(std::declval<const Row&>()))>...>;
  static Key key(const Row& r) { return Key{get<I>(r)...}; }
};

}  // namespace mosaic

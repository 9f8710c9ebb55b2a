// A materialized table: rows keyed by their primary key, optional soft-state
// lifetime, optional maximum size, and the secondary hash indexes that the
// compiler chose for the joins reading this table.
//
// Row must provide `using Key`, `Key key() const` and operator==.
// Each Index must provide `using Key` and `static Key key(const Row&)`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <memory_resource>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mosaic/hash.hpp"

namespace mosaic {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();
inline constexpr size_t kUnbounded = std::numeric_limits<size_t>::max();

template <class Row, class... Indexes>
class Table {
 public:
  using RowType = Row;
  using Key = typename Row::Key;
  struct Entry {
    Row row;
    double expires;
    uint64_t stamp;  // changes on every insert or refresh; tells stale aging records apart
  };
  // Rejected: the table was full and the new row is the one its evict policy gives up.
  enum class Outcome { Inserted, Replaced, Refreshed, Rejected };
  // An evict policy other than the oldest row (materialize(..., evict max(F))):
  // true when `a` is to go before `b`. Rows that tie go oldest first.
  using EvictsFirst = bool (*)(const Row& a, const Row& b);

  Table(double lifetime, size_t max_size, EvictsFirst evicts_first = nullptr)
      : lifetime_(lifetime), max_size_(max_size), evicts_first_(evicts_first),
        track_age_(lifetime != kInfinity || max_size != kUnbounded) {}
  // A copy's indexes would point into the original's rows; moving keeps every
  // row at its address, so the indexes stay valid.
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  Table(Table&&) = default;
  Table& operator=(Table&&) = default;

  // Inserts `row`. A row with the same key and the same fields is only refreshed
  // (its lifetime restarts); a row with the same key and other fields replaces the
  // old one. Rows removed by replacement or by size eviction are appended to `removed`.
  Outcome insert(const Row& row, double now, std::vector<Row>& removed) {
    auto [it, fresh] = rows_.try_emplace(row.key(), Entry{row, now + lifetime_, next_stamp_++});
    Entry& e = it->second;
    Outcome outcome = Outcome::Inserted;
    if (!fresh) {
      e.expires = now + lifetime_;
      e.stamp = next_stamp_++;
      if (e.row == row) {
        outcome = Outcome::Refreshed;
      } else {
        unindex(e);
        removed.push_back(std::move(e.row));
        e.row = row;
        index(e);
        outcome = Outcome::Replaced;
      }
    } else {
      index(e);
    }
    if (track_age_) {
      aging_.push_back({e.expires, e.stamp, it->first});
      if (fresh && evict_over_size(e.stamp, removed)) outcome = Outcome::Rejected;
      compact_aging();
    }
    return outcome;
  }

  // Removes the row with key `key`; returns whether there was one.
  bool erase(const Key& key, Row* removed) {
    auto it = rows_.find(key);
    if (it == rows_.end()) return false;
    unindex(it->second);
    if (removed) *removed = std::move(it->second.row);
    rows_.erase(it);
    return true;
  }

  // Removes every row whose lifetime has ended.
  void expire(double now, std::vector<Row>& removed) {
    while (!aging_.empty() && aging_.front().expires <= now) {
      Aging a = std::move(aging_.front());
      aging_.pop_front();
      auto it = rows_.find(a.key);
      if (it != rows_.end() && it->second.stamp == a.stamp) {
        unindex(it->second);
        removed.push_back(std::move(it->second.row));
        rows_.erase(it);
      }
    }
  }

  const Row* find(const Key& key) const {
    auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second.row;
  }

  // Rows whose index-I attributes equal `key`, as a pair of iterators over const Entry*.
  template <size_t I>
  auto lookup(const typename std::tuple_element_t<I, std::tuple<Indexes...>>::Key& key) const {
    return std::get<I>(indexes_).equal_range(key);
  }

  template <class F>
  void for_each(F&& f) const {
    for (const auto& [k, e] : rows_) f(e.row);
  }
  const auto& rows() const { return rows_; }
  size_t size() const { return rows_.size(); }
  bool has_lifetime() const { return lifetime_ != kInfinity; }

 private:
  struct Aging {
    double expires;
    uint64_t stamp;
    Key key;
  };
  template <class Ix>
  using IndexMap = std::pmr::unordered_multimap<typename Ix::Key, const Entry*, Hash>;

  using IndexList = std::tuple<Indexes...>;
  void index(const Entry& e) { index_all(e, std::index_sequence_for<Indexes...>{}); }
  void unindex(const Entry& e) { unindex_all(e, std::index_sequence_for<Indexes...>{}); }
  template <size_t... I>
  void index_all(const Entry& e, std::index_sequence<I...>) {
    (std::get<I>(indexes_).emplace(std::tuple_element_t<I, IndexList>::key(e.row), &e), ...);
  }
  template <size_t... I>
  void unindex_all(const Entry& e, std::index_sequence<I...>) {
    (erase_ptr(std::get<I>(indexes_), std::tuple_element_t<I, IndexList>::key(e.row), &e), ...);
  }
  template <class Map>
  static void erase_ptr(Map& ix, const typename Map::key_type& k, const Entry* e) {
    auto [b, end] = ix.equal_range(k);
    for (; b != end; ++b) {
      if (b->second == e) {
        ix.erase(b);
        return;
      }
    }
  }

  // Evicts rows until the table fits; returns whether the row stamped
  // `inserted` was among them (it is then not reported in `removed`: nobody saw it).
  bool evict_over_size(uint64_t inserted, std::vector<Row>& removed) {
    bool rejected = false;
    while (rows_.size() > max_size_) {
      auto victim = evicts_first_ ? policy_victim() : oldest_victim();
      if (victim == rows_.end()) break;
      unindex(victim->second);
      if (victim->second.stamp == inserted) rejected = true;
      else removed.push_back(std::move(victim->second.row));
      rows_.erase(victim);
    }
    return rejected;
  }
  auto oldest_victim() {
    while (!aging_.empty()) {
      Aging a = std::move(aging_.front());
      aging_.pop_front();
      auto it = rows_.find(a.key);
      if (it != rows_.end() && it->second.stamp == a.stamp) return it;
    }
    return rows_.end();
  }
  // A scan: tables with an evict policy are small (the paper's bestPT has one row).
  auto policy_victim() {
    auto victim = rows_.begin();
    for (auto it = rows_.begin(); it != rows_.end(); ++it) {
      const Entry& a = it->second;
      const Entry& v = victim->second;
      if (evicts_first_(a.row, v.row) || (!evicts_first_(v.row, a.row) && a.stamp < v.stamp)) victim = it;
    }
    return victim;
  }
  // Refreshes leave stale aging records behind; drop them before they dominate.
  void compact_aging() {
    if (aging_.size() < 2 * rows_.size() + 64) return;
    std::deque<Aging> live;
    for (auto& a : aging_) {
      auto it = rows_.find(a.key);
      if (it != rows_.end() && it->second.stamp == a.stamp) live.push_back(std::move(a));
    }
    aging_.swap(live);
  }

  double lifetime_;
  size_t max_size_;
  EvictsFirst evicts_first_;
  bool track_age_;
  uint64_t next_stamp_ = 1;
  // Rows and index entries come from a per-table pool: inserting and erasing
  // rows is the hot path of every derivation, and general-purpose malloc was
  // most of its cost. (Held by pointer so the table stays movable.)
  std::unique_ptr<std::pmr::unsynchronized_pool_resource> pool_ =
      std::make_unique<std::pmr::unsynchronized_pool_resource>();
  std::pmr::unordered_map<Key, Entry, Hash> rows_{pool_.get()};
  std::tuple<IndexMap<Indexes>...> indexes_{IndexMap<Indexes>(pool_.get())...};
  std::deque<Aging> aging_;
};

}  // namespace mosaic

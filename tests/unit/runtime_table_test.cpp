#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "mosaic/table.hpp"

using namespace mosaic;

namespace {

// link(Src, Dst, Cost) keyed by (Src, Dst), with two indexes of the same key type on different fields.
struct Link {
  using Key = std::tuple<int64_t, int64_t>;
  int64_t src, dst, cost;
  Key key() const { return {src, dst}; }
  bool operator==(const Link&) const = default;
};
struct BySrc {
  using Key = int64_t;
  static Key key(const Link& r) { return r.src; }
};
struct ByDst {
  using Key = int64_t;
  static Key key(const Link& r) { return r.dst; }
};
using Links = Table<Link, BySrc, ByDst>;

template <size_t I>
std::vector<Link> lookup(const Links& t, int64_t key) {
  std::vector<Link> out;
  auto [b, e] = t.template lookup<I>(key);
  for (; b != e; ++b) out.push_back(b->second->row);
  std::sort(out.begin(), out.end(), [](const Link& a, const Link& b) { return a.key() < b.key(); });
  return out;
}

std::vector<Link> rows(const Links& t) {
  std::vector<Link> out;
  t.for_each([&](const Link& r) { out.push_back(r); });
  std::sort(out.begin(), out.end(), [](const Link& a, const Link& b) { return a.key() < b.key(); });
  return out;
}

// Every row is found exactly once through each index, under its own key, and
// nothing else is (node ids in these tests are 0..9).
void check_indexes(const Links& t) {
  size_t by_src = 0, by_dst = 0;
  for (int64_t k = 0; k < 10; ++k) {
    for (const Link& r : lookup<0>(t, k)) {
      CHECK(r.src == k);
      REQUIRE(t.find(r.key()));
      CHECK(*t.find(r.key()) == r);
      ++by_src;
    }
    for (const Link& r : lookup<1>(t, k)) {
      CHECK(r.dst == k);
      REQUIRE(t.find(r.key()));
      CHECK(*t.find(r.key()) == r);
      ++by_dst;
    }
  }
  CHECK(by_src == t.size());
  CHECK(by_dst == t.size());
}

}  // namespace

TEST_CASE("Table: a new key inserts, the same row refreshes, other fields replace") {
  Links t(kInfinity, kUnbounded);
  std::vector<Link> removed;
  CHECK(t.insert({1, 2, 5}, 0, removed) == Links::Outcome::Inserted);
  CHECK(t.insert({1, 2, 5}, 1, removed) == Links::Outcome::Refreshed);
  CHECK(t.size() == 1);
  CHECK(removed.empty());
  CHECK(lookup<0>(t, 1).size() == 1);  // a refresh does not index the row twice
  check_indexes(t);

  CHECK(t.insert({1, 2, 7}, 2, removed) == Links::Outcome::Replaced);
  REQUIRE(removed.size() == 1);
  CHECK(removed[0] == Link{1, 2, 5});
  CHECK(t.size() == 1);
  CHECK(t.find({1, 2})->cost == 7);
  CHECK(lookup<0>(t, 1) == std::vector<Link>{{1, 2, 7}});
  CHECK(lookup<1>(t, 2) == std::vector<Link>{{1, 2, 7}});
  check_indexes(t);

  CHECK(t.insert({1, 3, 1}, 3, removed) == Links::Outcome::Inserted);
  CHECK(t.insert({4, 3, 1}, 3, removed) == Links::Outcome::Inserted);
  CHECK(lookup<0>(t, 1) == std::vector<Link>{{1, 2, 7}, {1, 3, 1}});
  CHECK(lookup<1>(t, 3) == std::vector<Link>{{1, 3, 1}, {4, 3, 1}});
  check_indexes(t);
}

TEST_CASE("Table: erase removes the row from the table and every index") {
  Links t(kInfinity, kUnbounded);
  std::vector<Link> removed;
  t.insert({1, 2, 5}, 0, removed);
  t.insert({1, 3, 6}, 0, removed);
  t.insert({2, 3, 7}, 0, removed);
  Link gone{};
  CHECK(t.erase({1, 3}, &gone));
  CHECK(gone == Link{1, 3, 6});
  CHECK_FALSE(t.erase({1, 3}, nullptr));
  CHECK_FALSE(t.find({1, 3}));
  CHECK(lookup<0>(t, 1) == std::vector<Link>{{1, 2, 5}});
  CHECK(lookup<1>(t, 3) == std::vector<Link>{{2, 3, 7}});
  check_indexes(t);
  // The key can come back.
  CHECK(t.insert({1, 3, 9}, 1, removed) == Links::Outcome::Inserted);
  check_indexes(t);
}

TEST_CASE("Table: rows expire when their lifetime ends, and a refresh restarts it") {
  Links t(10, kUnbounded);
  std::vector<Link> removed;
  t.insert({1, 2, 5}, 0, removed);
  t.insert({1, 3, 5}, 5, removed);
  t.expire(9.9, removed);
  CHECK(t.size() == 2);
  CHECK(removed.empty());
  t.expire(10, removed);
  CHECK(removed == std::vector<Link>{{1, 2, 5}});
  CHECK(rows(t) == std::vector<Link>{{1, 3, 5}});
  check_indexes(t);

  removed.clear();
  t.insert({1, 3, 5}, 8, removed);  // refresh: now expires at 18, not 15
  t.expire(17.9, removed);
  CHECK(t.size() == 1);
  CHECK(removed.empty());
  t.insert({1, 3, 6}, 9, removed);  // replace also restarts the lifetime: 19
  removed.clear();
  t.expire(18.5, removed);
  CHECK(t.size() == 1);
  t.expire(19, removed);
  CHECK(removed == std::vector<Link>{{1, 3, 6}});
  CHECK(t.size() == 0);
  check_indexes(t);
}

TEST_CASE("Table: an erased row leaves no trace that could expire its successor early") {
  Links t(10, kUnbounded);
  std::vector<Link> removed;
  t.insert({1, 2, 5}, 0, removed);
  t.erase({1, 2}, nullptr);
  t.insert({1, 2, 6}, 5, removed);
  t.expire(10, removed);
  CHECK(t.size() == 1);
  t.expire(15, removed);
  CHECK(t.size() == 0);
}

TEST_CASE("Table: rows without a lifetime never expire") {
  Links t(kInfinity, kUnbounded);
  std::vector<Link> removed;
  t.insert({1, 2, 5}, 0, removed);
  t.expire(1e12, removed);
  CHECK(t.size() == 1);
  CHECK_FALSE(t.has_lifetime());
  CHECK(Links(3, kUnbounded).has_lifetime());
}

TEST_CASE("Table: a full table evicts its oldest row") {
  Links t(kInfinity, 2);
  std::vector<Link> removed;
  t.insert({1, 1, 0}, 0, removed);
  t.insert({1, 2, 0}, 1, removed);
  CHECK(removed.empty());
  t.insert({1, 3, 0}, 2, removed);
  CHECK(removed == std::vector<Link>{{1, 1, 0}});
  CHECK(rows(t) == std::vector<Link>{{1, 2, 0}, {1, 3, 0}});
  check_indexes(t);

  // A refresh makes a row young again; a replacement does not grow the table.
  removed.clear();
  t.insert({1, 2, 0}, 3, removed);
  t.insert({1, 3, 9}, 4, removed);
  CHECK(removed == std::vector<Link>{{1, 3, 0}});
  removed.clear();
  t.insert({1, 4, 0}, 5, removed);
  CHECK(removed == std::vector<Link>{{1, 2, 0}});
  CHECK(rows(t) == std::vector<Link>{{1, 3, 9}, {1, 4, 0}});
  check_indexes(t);
}

TEST_CASE("Table: evict max(F) gives up the row with the greatest field, the new one too") {
  // materialize(link, infinity, 2, keys(1, 2), evict max(3)): the two cheapest links stay.
  Links t(kInfinity, 2, [](const Link& a, const Link& b) { return b.cost < a.cost; });
  std::vector<Link> removed;
  CHECK(t.insert({1, 1, 30}, 0, removed) == Links::Outcome::Inserted);
  CHECK(t.insert({1, 2, 10}, 1, removed) == Links::Outcome::Inserted);
  CHECK(t.insert({1, 3, 20}, 2, removed) == Links::Outcome::Inserted);
  CHECK(removed == std::vector<Link>{{1, 1, 30}});
  // A dearer newcomer is rejected, and nobody is told it was removed: it never was there.
  removed.clear();
  CHECK(t.insert({1, 4, 50}, 3, removed) == Links::Outcome::Rejected);
  CHECK(removed.empty());
  CHECK(rows(t) == std::vector<Link>{{1, 2, 10}, {1, 3, 20}});
  // Ties go oldest first; a replacement by key never evicts.
  CHECK(t.insert({1, 5, 20}, 4, removed) == Links::Outcome::Inserted);
  CHECK(removed == std::vector<Link>{{1, 3, 20}});
  removed.clear();
  CHECK(t.insert({1, 2, 99}, 5, removed) == Links::Outcome::Replaced);
  CHECK(removed == std::vector<Link>{{1, 2, 10}});
  CHECK(rows(t) == std::vector<Link>{{1, 2, 99}, {1, 5, 20}});
  check_indexes(t);
  // Rows evicted by the policy leave no aging record that could expire a successor.
  Links soft(10, 1, [](const Link& a, const Link& b) { return a.cost < b.cost; });  // evict min(3)
  soft.insert({2, 1, 5}, 0, removed);
  soft.insert({2, 2, 7}, 1, removed);
  soft.insert({2, 1, 9}, 2, removed);  // key (2, 1) again: evicts (2, 2, 7), the lesser cost
  CHECK(rows(soft) == std::vector<Link>{{2, 1, 9}});
  soft.expire(11.5, removed);
  CHECK(soft.size() == 1);
  soft.expire(12, removed);
  CHECK(soft.size() == 0);
  check_indexes(soft);
}

TEST_CASE("Table: eviction and expiry together keep the indexes consistent") {
  Links t(5, 3);
  std::vector<Link> removed;
  for (int64_t i = 0; i < 200; ++i) {
    double now = static_cast<double>(i) * 0.5;
    t.insert({i % 7, (i * 3) % 10, i % 4}, now, removed);
    if (i % 5 == 0) t.erase({(i + 1) % 7, (i * 3 + 3) % 10}, nullptr);
    if (i % 3 == 0) t.expire(now, removed);
    CHECK(t.size() <= 3);
    check_indexes(t);
  }
  t.expire(1000, removed);
  CHECK(t.size() == 0);
  check_indexes(t);
}

TEST_CASE("Table: many refreshes of one row still expire it on time") {
  Links t(1, kUnbounded);
  std::vector<Link> removed;
  for (int i = 0; i < 1000; ++i) t.insert({1, 2, 3}, i * 0.25, removed);  // last at 249.75
  t.expire(250.7, removed);
  CHECK(t.size() == 1);
  t.expire(250.75, removed);
  CHECK(t.size() == 0);
  CHECK(removed == std::vector<Link>{{1, 2, 3}});
}

TEST_CASE("Table: a moved table keeps working indexes; tables cannot be copied") {
  static_assert(!std::is_copy_constructible_v<Links>);
  static_assert(std::is_move_constructible_v<Links>);
  Links t(kInfinity, kUnbounded);
  std::vector<Link> removed;
  t.insert({1, 2, 5}, 0, removed);
  t.insert({3, 2, 6}, 0, removed);
  Links moved(std::move(t));
  CHECK(lookup<1>(moved, 2) == std::vector<Link>{{1, 2, 5}, {3, 2, 6}});
  moved.insert({1, 2, 7}, 1, removed);
  check_indexes(moved);
}

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "dump/atomic_file.hpp"
#include "dump/json_dump.hpp"
#include "mosaic/codec.hpp"
#include "mosaic/value.hpp"
#include "node/node_stats.hpp"

using namespace mosaic;

TEST_CASE("JsonDump prints tables by name with rows sorted by their text") {
  JsonDump d;
  d.begin_table("zeta");
  d.end_table();
  d.begin_table("link");
  d.begin_row();
  d.string("127.0.0.1:9002");
  d.number(int64_t{3});
  d.number(1.0);
  d.boolean(false);
  d.end_row();
  d.begin_row();
  d.string("127.0.0.1:9001");
  d.number(int64_t{-4});
  d.number(0.5);
  d.boolean(true);
  d.end_row();
  d.end_table();
  d.begin_table("quote");
  d.begin_row();
  d.string("a\"b\n");
  d.end_row();
  d.end_table();
  CHECK(d.text() ==
        "{\n"
        "  \"link\": [\n"
        "    [\"127.0.0.1:9001\", -4, 0.5, true],\n"
        "    [\"127.0.0.1:9002\", 3, 1.0, false]\n"
        "  ],\n"
        "  \"quote\": [\n"
        "    [\"a\\\"b\\n\"]\n"
        "  ],\n"
        "  \"zeta\": []\n"
        "}\n");
}

TEST_CASE("JsonDump: overlay addresses and packets are strings holding their literal form") {
  Writer w;
  w.bytes("msg");
  put(w, std::string("hi"));
  Addr route = Addr::overlay("sr", Value{Value::List{Value{*Addr::parse("1.2.3.4:5")}}});
  JsonDump d;
  d.begin_table("t");
  d.begin_row();
  dump_field(d, Addr::overlay("fwd", Value{Id::from_int(31)}));
  dump_field(d, Addr::overlay("ron", Value{route}));
  dump_field(d, *Addr::parse("1.2.3.4:5"));
  dump_field(d, Packet{w.take()});
  dump_field(d, Packet{"x"});
  dump_field(d, std::vector<Addr>{route});
  d.end_row();
  d.end_table();
  CHECK(d.text() ==
        "{\n"
        "  \"t\": [\n"
        "    [\"fwd::0x1fI\", \"ron::sr::[\\\"1.2.3.4:5\\\"]\", \"1.2.3.4:5\", \"msg(\\\"hi\\\")\", "
        "\"<malformed tuple>\", \"[sr::[\\\"1.2.3.4:5\\\"]]\"]\n"
        "  ]\n"
        "}\n");
}

TEST_CASE("JsonDump of a program without tables is an empty object") { CHECK(JsonDump().text() == "{}\n"); }

TEST_CASE("NodeStats prints every counter") {
  NodeStats s;
  s.addr = "127.0.0.1:9001";
  s.received = 5;
  s.gave_up = 2;
  s.unroutable = 3;
  s.calls_rejected = 4;
  s.uptime_s = 1.5;
  std::string json = s.to_json();
  for (const char* key : {"\"addr\": \"127.0.0.1:9001\"", "\"received\": 5", "\"sent\": 0", "\"malformed\": 0",
                          "\"unroutable\": 3", "\"calls_rejected\": 4", "\"filtered\": 0", "\"blocked\": 0", "\"retransmits\": 0", "\"duplicates\": 0", "\"gave_up\": 2",
                          "\"outstanding\": 0", "\"derivations\": 0", "\"uptime_s\": 1.5"}) {
    CAPTURE(key);
    CHECK(json.find(key) != std::string::npos);
  }
}

TEST_CASE("write_file_atomically replaces the file and leaves no temporary behind") {
  std::string path = "runtime_json_dump_test.tmp.json";
  std::string error;
  REQUIRE(write_file_atomically(path, "first", error));
  REQUIRE(write_file_atomically(path, "second", error));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "second");
  CHECK_FALSE(std::ifstream(path + ".tmp").good());
  std::remove(path.c_str());
  CHECK_FALSE(write_file_atomically("/nonexistent-dir/x.json", "x", error));
  CHECK(error.find("/nonexistent-dir/x.json.tmp") != std::string::npos);
}

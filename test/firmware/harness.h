// A tiny test harness: TEST(name) registers a function; CHECK/CHECK_EQ record failures with
// file and line and keep going, so one run lists every broken expectation.
#pragma once

#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace harness {

struct Case {
  const char* name;
  std::function<void()> run;
};

inline std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}
inline int& failures() {
  static int count = 0;
  return count;
}
inline void fail(const char* file, int line, const std::string& what) {
  ++failures();
  std::fprintf(stderr, "  FAIL %s:%d: %s\n", file, line, what.c_str());
}
struct Register {
  Register(const char* name, std::function<void()> run) { cases().push_back({name, std::move(run)}); }
};

template <typename A, typename B>
void check_eq(const A& actual, const B& expected, const char* expr, const char* file, int line) {
  if (actual == expected) return;
  std::ostringstream out;
  out << expr << "\n    got:      " << actual << "\n    expected: " << expected;
  fail(file, line, out.str());
}

}  // namespace harness

#define HARNESS_CAT2(a, b) a##b
#define HARNESS_CAT(a, b) HARNESS_CAT2(a, b)
#define TEST(name)                                                                   \
  static void HARNESS_CAT(test_, __LINE__)();                                        \
  static harness::Register HARNESS_CAT(register_, __LINE__)(name, HARNESS_CAT(test_, __LINE__)); \
  static void HARNESS_CAT(test_, __LINE__)()
#define CHECK(cond) \
  do {              \
    if (!(cond)) harness::fail(__FILE__, __LINE__, #cond); \
  } while (0)
#define CHECK_EQ(actual, expected) harness::check_eq((actual), (expected), #actual " == " #expected, __FILE__, __LINE__)

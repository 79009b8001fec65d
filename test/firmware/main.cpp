// Runs every registered test; the first argument is test/fixtures/serial-vectors.
#include <cstdio>

#include "harness.h"
#include "vectors.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <test/fixtures/serial-vectors>\n", argv[0]);
    return 2;
  }
  set_vector_dir(argv[1]);
  int failed_cases = 0;
  for (const harness::Case& c : harness::cases()) {
    const int before = harness::failures();
    c.run();
    const bool ok = harness::failures() == before;
    failed_cases += ok ? 0 : 1;
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", c.name);
  }
  std::printf("%zu tests, %d failed\n", harness::cases().size(), failed_cases);
  return failed_cases == 0 ? 0 : 1;
}

#include "tflm_log.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

char g_text[edgebench::kTflmLogBytes] = {};
size_t g_used = 0;

}  // namespace

// esp-tflite-micro's DebugLog, reached through the linker's --wrap.
extern "C" void __real_DebugLog(const char* format, va_list args);

extern "C" void __wrap_DebugLog(const char* format, va_list args) {
  if (g_used + 1 < sizeof(g_text)) {
    va_list copy;
    va_copy(copy, args);
    const int n = std::vsnprintf(g_text + g_used, sizeof(g_text) - g_used, format, copy);
    va_end(copy);
    if (n > 0) g_used += static_cast<size_t>(n);
    if (g_used >= sizeof(g_text)) g_used = sizeof(g_text) - 1;
  }
  __real_DebugLog(format, args);
}

namespace edgebench {

void tflm_log_clear() {
  g_used = 0;
  g_text[0] = '\0';
}

const char* tflm_log_text() { return g_text; }

uint32_t tflm_log_number_after(const char* key) {
  const char* at = std::strstr(g_text, key);
  return at == nullptr ? 0 : static_cast<uint32_t>(std::strtoul(at + std::strlen(key), nullptr, 10));
}

}  // namespace edgebench

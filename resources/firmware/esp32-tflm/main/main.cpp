// ESP-IDF entry point: setup() once, then loop() forever (tflite-micro's examples do the same,
// so main_functions.cpp reads like their main_functions.cc).
#include "main_functions.h"

extern "C" void app_main(void) {
  setup();
  while (true) loop();
}

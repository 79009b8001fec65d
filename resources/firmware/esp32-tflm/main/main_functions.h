#pragma once

// Brings up the serial port, memory and the protocol core; prints the boot banner.
void setup();
// Answers whatever the host sent; returns after a short wait when nothing arrived.
void loop();

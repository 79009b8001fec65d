// Streaming SHA-256 (FIPS 180-4). Portable so the host tests check the same code the board runs;
// chunks arrive in order, so the digest is ready as soon as the last chunk is.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgebench {

class Sha256 {
 public:
  Sha256() { reset(); }
  void reset();
  void update(const uint8_t* data, size_t size);
  void finish(uint8_t digest[32]);

 private:
  void block(const uint8_t* data);
  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

}  // namespace edgebench

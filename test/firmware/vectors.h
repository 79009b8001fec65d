// Reads the shared vectors in test/fixtures/serial-vectors (the TypeScript tests read the same files).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

using Bytes = std::vector<uint8_t>;

// Hex with RUN(aa..bb) ranges (cobs.txt) and "-" for empty.
Bytes parse_hex(const std::string& text);
std::string to_hex(const Bytes& bytes);
std::string to_hex(const uint8_t* data, size_t size);

struct FrameVector {
  std::string name;
  uint8_t version = 1;  // the header's; blocks without a "version" line are v1
  uint8_t type = 0;
  uint16_t seq = 0;
  Bytes payload;
  Bytes wire;
  std::string decoded;
};
struct InvalidVector {
  std::string name;
  Bytes wire;
  std::string reason;
};
struct PairVector {  // crc32.txt and cobs.txt lines
  Bytes input;
  std::string expected;
};

void set_vector_dir(const std::string& dir);
const std::string& vector_dir();
std::vector<FrameVector> frame_vectors();
std::vector<InvalidVector> invalid_vectors();
std::vector<PairVector> pair_vectors(const std::string& file);
Bytes read_file(const std::string& path);

// CRC-32, COBS and frames against the shared vectors.
#include <cstring>

#include "edgebench/framing.h"
#include "edgebench/sha256.h"
#include "harness.h"
#include "vectors.h"

using namespace edgebench;

TEST("crc32 matches crc32.txt (zlib's CRC-32, check value cbf43926)") {
  for (const PairVector& v : pair_vectors("crc32.txt")) {
    const uint32_t crc = crc32(v.input.data(), v.input.size());
    char hex[9];
    std::snprintf(hex, sizeof(hex), "%08x", crc);
    CHECK_EQ(std::string(hex), v.expected);
  }
}

TEST("crc32_update over two halves equals one pass") {
  const Bytes data = parse_hex("313233343536373839");
  CHECK_EQ(crc32_update(crc32(data.data(), 4), data.data() + 4, data.size() - 4), 0xCBF43926U);
}

TEST("cobs encodes and decodes every cobs.txt pair") {
  for (const PairVector& v : pair_vectors("cobs.txt")) {
    const Bytes expected = parse_hex(v.expected);
    Bytes encoded(v.input.size() + v.input.size() / 254 + 1);
    const size_t n = cobs_encode(v.input.data(), v.input.size(), encoded.data(), encoded.size());
    encoded.resize(n);
    CHECK_EQ(to_hex(encoded), to_hex(expected));
    Bytes decoded(expected.size());
    const long m = cobs_decode(expected.data(), expected.size(), decoded.data(), decoded.size());
    CHECK(m >= 0);
    decoded.resize(m < 0 ? 0 : static_cast<size_t>(m));
    CHECK_EQ(to_hex(decoded), to_hex(v.input));
  }
}

TEST("cobs_encode refuses a buffer that is too small") {
  const uint8_t in[3] = {1, 2, 3};
  uint8_t out[3];
  CHECK_EQ(cobs_encode(in, 3, out, sizeof(out)), 0U);
}

TEST("encode_frame writes the wire bytes of every frame vector") {
  for (const FrameVector& v : frame_vectors()) {
    uint8_t scratch[kMaxFrameBytes];
    uint8_t wire[kMaxEncodedBytes + 2];
    const size_t n = encode_frame(static_cast<MsgType>(v.type), v.seq, v.payload.data(), static_cast<uint32_t>(v.payload.size()),
                                  scratch, sizeof(scratch), wire, sizeof(wire), v.version);
    CHECK_EQ(v.name + " " + to_hex(wire, n), v.name + " " + to_hex(v.wire));
  }
}

TEST("FrameDecoder yields each frame vector's type, seq and payload") {
  for (const FrameVector& v : frame_vectors()) {
    FrameDecoder decoder;
    int frames = 0;
    for (uint8_t byte : v.wire) {
      Frame frame{};
      const DecodeStatus status = decoder.push(byte, &frame);
      CHECK(status != DecodeStatus::kInvalid);
      if (status != DecodeStatus::kFrame) continue;
      ++frames;
      CHECK_EQ(static_cast<int>(frame.version), static_cast<int>(v.version));
      CHECK_EQ(static_cast<int>(frame.type), static_cast<int>(v.type));
      CHECK_EQ(frame.seq, v.seq);
      CHECK_EQ(v.name + " " + to_hex(frame.payload, frame.length), v.name + " " + to_hex(v.payload));
    }
    CHECK_EQ(frames, 1);
  }
}

TEST("FrameDecoder rejects every invalid vector with its reason") {
  for (const InvalidVector& v : invalid_vectors()) {
    FrameDecoder decoder;
    std::string reason = "no verdict";
    for (uint8_t byte : v.wire) {
      Frame frame{};
      const DecodeStatus status = decoder.push(byte, &frame);
      if (status == DecodeStatus::kFrame) reason = "decoded as a frame";
      if (status == DecodeStatus::kInvalid) reason = decoder.last_error();
    }
    CHECK_EQ(v.name + ": " + reason, v.name + ": " + v.reason);
  }
}

TEST("a frame after a boot log decodes (the leading 0x00 ends the log)") {
  const FrameVector hello = frame_vectors().front();
  Bytes stream = parse_hex("4553502d524f4d3a657370333273332d32303231303332370d0a");  // "ESP-ROM:esp32s3-20210327\r\n"
  stream.insert(stream.end(), hello.wire.begin(), hello.wire.end());
  FrameDecoder decoder;
  int frames = 0;
  int invalid = 0;
  for (uint8_t byte : stream) {
    Frame frame{};
    const DecodeStatus status = decoder.push(byte, &frame);
    frames += status == DecodeStatus::kFrame;
    invalid += status == DecodeStatus::kInvalid;
  }
  CHECK_EQ(invalid, 1);
  CHECK_EQ(frames, 1);
}

TEST("a full 4 KiB MODEL_CHUNK puts at least 85% payload on the wire") {
  uint8_t payload[4 + kMaxChunkBytes];
  for (size_t i = 0; i < sizeof(payload); ++i) payload[i] = static_cast<uint8_t>(i * 7);  // zeros every 256 bytes
  uint8_t scratch[kMaxFrameBytes];
  uint8_t wire[kMaxEncodedBytes + 2];
  const size_t n = encode_frame(MsgType::kModelChunk, 1, payload, sizeof(payload), scratch, sizeof(scratch), wire, sizeof(wire));
  CHECK(n > 0);
  CHECK(kMaxChunkBytes * 100 >= 85 * n);
  // The worst case from docs/serial-protocol.md: 1 + 4112 + ceil(4112/254) + 1 = 4131 bytes.
  CHECK(n <= 4131);
}

TEST("sha256 of 'abc' and of the empty string (FIPS 180-4 examples)") {
  uint8_t digest[32];
  Sha256 sha;
  sha.update(reinterpret_cast<const uint8_t*>("abc"), 3);
  sha.finish(digest);
  CHECK_EQ(to_hex(digest, 32), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  Sha256 empty;
  empty.finish(digest);
  CHECK_EQ(to_hex(digest, 32), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

TEST("sha256 fed in odd pieces equals one pass over 1000 bytes") {
  Bytes data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 31 + 7);
  uint8_t one[32];
  uint8_t pieces[32];
  Sha256 a;
  a.update(data.data(), data.size());
  a.finish(one);
  Sha256 b;
  for (size_t at = 0; at < data.size(); at += 97) b.update(data.data() + at, at + 97 > data.size() ? data.size() - at : 97);
  b.finish(pieces);
  CHECK_EQ(to_hex(one, 32), to_hex(pieces, 32));
}

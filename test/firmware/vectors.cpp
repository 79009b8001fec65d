#include "vectors.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

std::string g_dir;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::exit(2);
}

std::vector<std::string> lines_of(const std::string& file) {
  std::ifstream in(g_dir + "/" + file);
  if (!in) die("Cannot read " + g_dir + "/" + file + "; pass the vector folder as the first argument.");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

uint8_t hex_byte(const std::string& text, size_t at) {
  return static_cast<uint8_t>(std::stoul(text.substr(at, 2), nullptr, 16));
}

}  // namespace

Bytes parse_hex(const std::string& text) {
  Bytes out;
  if (text == "-") return out;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 4, "RUN(") == 0) {  // RUN(aa..bb)
      const unsigned from = hex_byte(text, i + 4);
      const unsigned to = hex_byte(text, i + 8);
      for (unsigned b = from; b <= to; ++b) out.push_back(static_cast<uint8_t>(b));
      i += 11;
      continue;
    }
    out.push_back(hex_byte(text, i));
    i += 2;
  }
  return out;
}

std::string to_hex(const uint8_t* data, size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}
std::string to_hex(const Bytes& bytes) { return to_hex(bytes.data(), bytes.size()); }

void set_vector_dir(const std::string& dir) { g_dir = dir; }
const std::string& vector_dir() { return g_dir; }

std::vector<FrameVector> frame_vectors() {
  std::vector<FrameVector> out;
  FrameVector* current = nullptr;
  for (const std::string& line : lines_of("frames.txt")) {
    const size_t space = line.find(' ');
    if (line.empty() || line[0] == '#' || space == std::string::npos) {
      current = nullptr;
      continue;
    }
    const std::string key = line.substr(0, space);
    const std::string value = line.substr(space + 1);
    if (key == "frame") {
      out.push_back(FrameVector{});
      current = &out.back();
      current->name = value;
    } else if (current == nullptr) {
      continue;
    } else if (key == "version") {
      current->version = static_cast<uint8_t>(std::stoul(value));
    } else if (key == "type") {
      current->type = static_cast<uint8_t>(std::stoul(value, nullptr, 16));
    } else if (key == "seq") {
      current->seq = static_cast<uint16_t>(std::stoul(value));
    } else if (key == "payload") {
      current->payload = parse_hex(value);
    } else if (key == "wire") {
      current->wire = parse_hex(value);
    } else if (key == "decoded") {
      current->decoded = value;
    }
  }
  if (out.empty()) die("frames.txt holds no frame vectors.");
  return out;
}

std::vector<InvalidVector> invalid_vectors() {
  std::vector<InvalidVector> out;
  InvalidVector* current = nullptr;
  for (const std::string& line : lines_of("frames.txt")) {
    const size_t space = line.find(' ');
    if (line.empty() || space == std::string::npos) {
      current = nullptr;
      continue;
    }
    const std::string key = line.substr(0, space);
    const std::string value = line.substr(space + 1);
    if (key == "invalid") {
      out.push_back(InvalidVector{});
      current = &out.back();
      current->name = value;
    } else if (current != nullptr && key == "wire") {
      current->wire = parse_hex(value);
    } else if (current != nullptr && key == "reason") {
      current->reason = value;
    }
  }
  return out;
}

std::vector<PairVector> pair_vectors(const std::string& file) {
  std::vector<PairVector> out;
  for (const std::string& line : lines_of(file)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string input;
    std::string expected;
    fields >> input >> expected;
    out.push_back({parse_hex(input), expected});
  }
  return out;
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) die("Cannot read " + path + ".");
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

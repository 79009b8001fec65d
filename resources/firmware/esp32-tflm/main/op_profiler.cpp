#include "op_profiler.h"

#include "tensorflow/lite/micro/micro_time.h"

namespace edgebench {

void OpTickProfiler::arm(OpProfile* profile) {
  profile_ = profile;
  position_ = 0;
}

uint32_t OpTickProfiler::BeginEvent(const char* tag) {
  if (profile_ == nullptr) return kNoEvent;
  if (position_ >= kMaxProfiledOps) {
    profile_->overflowed = true;
    return kNoEvent;
  }
  const uint16_t at = position_++;
  // The first profiled invoke names the entries; later ones add to them.
  if (at >= profile_->count) {
    profile_->names[at] = tag;
    profile_->ticks[at] = 0;
    profile_->count = static_cast<uint16_t>(at + 1);
  }
  started_[at] = tflite::GetCurrentTimeTicks();
  return at;
}

void OpTickProfiler::EndEvent(uint32_t event_handle) {
  if (profile_ == nullptr || event_handle == kNoEvent || event_handle >= kMaxProfiledOps) return;
  // Unsigned difference: right across one wrap of the 32-bit tick counter.
  profile_->ticks[event_handle] += static_cast<uint32_t>(tflite::GetCurrentTimeTicks() - started_[event_handle]);
}

}  // namespace edgebench

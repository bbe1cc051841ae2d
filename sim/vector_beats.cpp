#include "sim/vector_beats.h"

#include <algorithm>

namespace kiln::sim {

void stream_elements(VectorBeats& beats, uint64_t count, unsigned passes, const int8_t* a, const int8_t* b) {
  const unsigned lanes = beats.lanes();
  for (uint64_t i = 0; i < count; i += lanes) {
    const size_t n = size_t(std::min<uint64_t>(lanes, count - i));
    if (passes == 2) beats.idle();
    BeatFlags f;
    f.first = f.emit = true;
    f.last = i + lanes >= count;
    beats.beat(a + i, b ? b + i : nullptr, n, f, i);
  }
}

}  // namespace kiln::sim

// A stable 64-bit fingerprint of text (FNV-1a): sweeps and tuning records use
// it to recognise the spec, config and model they were made from. std::hash
// may differ between builds; a CRC-32 (arch's program check) is too short to
// key files that users keep.
#pragma once

#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace kiln::explore {

inline uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

inline std::string fingerprint_text(const std::string& s) { return fmt::format("{:016x}", fnv1a(s)); }

}  // namespace kiln::explore

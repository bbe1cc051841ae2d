// Zero-filled byte storage whose pages come from the kernel untouched, so
// that a run pays only for the part of a megabyte-sized memory it touches,
// not for clearing and faulting in all of it. Large blocks are mapped
// directly: glibc's calloc clears every byte of a block it reuses from a
// heap, which is what a block becomes once the first mapped one is freed
// (the mmap threshold rises to its size) or in the simulation thread's arena.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

namespace kiln::sim {

template <class T>
struct ZeroedAllocator {
  using value_type = T;
  ZeroedAllocator() = default;
  template <class U>
  ZeroedAllocator(const ZeroedAllocator<U>&) noexcept {}
  static constexpr size_t kMapBytes = size_t(64) << 10;  // smaller blocks: calloc
  T* allocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
    if (n * sizeof(T) >= kMapBytes) {
      void* p = mmap(nullptr, n * sizeof(T), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      return static_cast<T*>(p);
    }
    void* p = std::calloc(n, sizeof(T));
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) noexcept {
    if (n * sizeof(T) >= kMapBytes)
      munmap(p, n * sizeof(T));
    else
      std::free(p);
  }
  // Elements inserted without a value are left as mmap or calloc gave them (zero).
  // Only right for storage sized once: a vector that shrinks and grows again
  // within its capacity would keep old bytes.
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <class U>
  bool operator==(const ZeroedAllocator<U>&) const noexcept {
    return true;
  }
  template <class U>
  bool operator!=(const ZeroedAllocator<U>&) const noexcept {
    return false;
  }
};

// A memory's bytes, all zero until written; sized once.
using ZeroedBytes = std::vector<uint8_t, ZeroedAllocator<uint8_t>>;

}  // namespace kiln::sim

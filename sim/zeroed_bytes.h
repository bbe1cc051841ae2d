// Zero-filled byte storage whose pages come from the allocator untouched
// (calloc: fresh pages of a large block are zero without being written), so
// that a run pays only for the part of a megabyte-sized memory it touches,
// not for clearing and faulting in all of it.
#pragma once

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
  T* allocate(size_t n) {
    void* p = std::calloc(n, sizeof(T));
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) noexcept { std::free(p); }
  // Elements inserted without a value are left as calloc gave them (zero).
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

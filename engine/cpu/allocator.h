#pragma once
// A caching allocator for CPU tensor storage: 64-byte aligned blocks, kept on free lists
// by size class and handed out again, so a training loop stops asking the OS for memory
// after its first step.
#include <cstddef>
#include <cstdint>

namespace cadenza::cpu {

struct AllocatorStats {
  uint64_t os_allocations = 0;  // blocks obtained from the OS (aligned_alloc)
  uint64_t os_bytes = 0;        // bytes currently held from the OS (in use + cached)
  uint64_t cache_hits = 0;      // requests served from a free list
  uint64_t bytes_in_use = 0;    // bytes handed out and not yet returned
  uint64_t peak_bytes_in_use = 0;
};

void* allocate(size_t nbytes);
void release(void* ptr, size_t nbytes);
AllocatorStats allocator_stats();
void empty_cache();  // returns every cached block to the OS

// The size class a request is rounded up to (exposed for tests).
size_t size_class(size_t nbytes);

}  // namespace cadenza::cpu

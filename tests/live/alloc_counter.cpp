#include "alloc_counter.h"

#include <cstddef>
#include <cstdlib>

namespace {

thread_local bool t_counting = false;
thread_local uint64_t t_count = 0;

void note_allocation() {
  if (t_counting) ++t_count;
}

}  // namespace

#if defined(__SANITIZE_ADDRESS__)  // gcc
#define CADENZA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)  // clang
#define CADENZA_ASAN 1
#endif
#endif

#ifdef CADENZA_ASAN
// The sanitizer runtime's hook, declared here: gcc ships the runtime (libasan) but not
// clang's <sanitizer/allocator_interface.h>; both runtimes export this function.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, size_t),
                                                         void (*free_hook)(const volatile void*));

namespace {
void on_malloc(const volatile void*, size_t) { note_allocation(); }
void on_free(const volatile void*) {}
const int g_installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}  // namespace

#else
// glibc's own entry points, under the names it exports for exactly this kind of wrapper.
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);

void* malloc(size_t n) {
  note_allocation();
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t size) {
  note_allocation();
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t n) {
  note_allocation();
  return __libc_realloc(p, n);
}
void* aligned_alloc(size_t alignment, size_t n) {
  note_allocation();
  return __libc_memalign(alignment, n);
}
void* memalign(size_t alignment, size_t n) {
  note_allocation();
  return __libc_memalign(alignment, n);
}
int posix_memalign(void** out, size_t alignment, size_t n) {
  note_allocation();
  void* p = __libc_memalign(alignment, n);
  if (!p) return 12;  // ENOMEM
  *out = p;
  return 0;
}
}
#endif

namespace cadenza::test {

CountAllocations::CountAllocations() {
  t_count = 0;
  t_counting = true;
}
CountAllocations::~CountAllocations() { t_counting = false; }
uint64_t CountAllocations::count() const { return t_count; }

}  // namespace cadenza::test

#ifndef COREWARD_CMALLOC_H
#define COREWARD_CMALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Fixes glibc's mmap threshold (allocations of at least `mmap_bytes` get pages of their own, unmapped when freed)
/// and its trim threshold (a free top chunk over `trim_bytes` is returned at once); fixing them stops glibc from
/// raising them on its own. Returns 0 when glibc refused either (or malloc is not glibc's).
int cmalloc_set_thresholds(int mmap_bytes, int trim_bytes);

/// Returns free memory of every malloc arena to the kernel (glibc's malloc_trim(0)); 1 when some was released.
int cmalloc_trim(void);

#ifdef __cplusplus
}
#endif
#endif

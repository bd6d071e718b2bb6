// glibc's malloc tuning calls, which Swift's Glibc module does not export (they live in <malloc.h>).
#include "cmalloc.h"

#include <stdlib.h>  // defines __GLIBC__ under glibc

#if defined(__GLIBC__)
#include <malloc.h>

int cmalloc_set_thresholds(int mmap_bytes, int trim_bytes) {
    int mmap_set = mallopt(M_MMAP_THRESHOLD, mmap_bytes);
    int trim_set = mallopt(M_TRIM_THRESHOLD, trim_bytes);
    return mmap_set && trim_set;
}

int cmalloc_trim(void) { return malloc_trim(0); }
#else
int cmalloc_set_thresholds(int mmap_bytes, int trim_bytes) {
    (void)mmap_bytes;
    (void)trim_bytes;
    return 0;
}

int cmalloc_trim(void) { return 0; }
#endif

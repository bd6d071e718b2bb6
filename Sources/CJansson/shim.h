#ifndef COREWARD_CJANSSON_SHIM_H
#define COREWARD_CJANSSON_SHIM_H

#include <jansson.h>

/// Compact output, keys in insertion order, reals with 17 significant digits (round-trips every double).
/// Why a wrapper: JSON_COMPACT and JSON_REAL_PRECISION are macros Swift cannot see.
static inline size_t coreward_json_dump_flags(void) {
    return JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17);
}
#endif

#ifndef COREWARD_CSIMDJSON_H
#define COREWARD_CSIMDJSON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Kinds of a parsed JSON value.
typedef enum {
    CRJSON_NULL = 0,
    CRJSON_FALSE = 1,
    CRJSON_TRUE = 2,
    CRJSON_INT = 3,     /* fits int64 */
    CRJSON_UINT = 4,    /* fits uint64 only */
    CRJSON_DOUBLE = 5,
    CRJSON_STRING = 6,
    CRJSON_ARRAY = 7,
    CRJSON_OBJECT = 8
} crjson_kind;

/// One value of a document, in pre-order. An object's members are stored as key (a STRING node)
/// followed by the value's subtree. `end` is the index just past this node's subtree, so children
/// are walked as `i = index + 1; repeat count times { child at i; i = nodes[i].end }`.
typedef struct {
    uint32_t kind;
    uint32_t count;      /* array elements or object members */
    uint32_t end;
    uint32_t length;     /* string length in bytes */
    union {
        int64_t i;
        uint64_t u;
        double d;
        const char *s;   /* unescaped UTF-8, valid while the document lives; not NUL-safe: use length */
    } value;
} crjson_node;

/// A parsed document: owns the parser, the unescaped strings and the node array.
typedef struct crjson_document crjson_document;

/// Parse outcome codes; the human-readable message is written into crjson_parse's `message` buffer.
typedef enum {
    CRJSON_OK = 0,
    CRJSON_ERR_SYNTAX = 1,
    CRJSON_ERR_UTF8 = 2,
    CRJSON_ERR_DEPTH = 3,
    CRJSON_ERR_NUMBER = 4,
    CRJSON_ERR_CAPACITY = 5,
    CRJSON_ERR_EMPTY = 6,
    CRJSON_ERR_MEMORY = 7,
    CRJSON_ERR_OTHER = 8
} crjson_status;

/// Parses `length` bytes at `bytes`. `padded_capacity` is the size of the readable buffer at `bytes`;
/// when it holds at least crjson_padding() bytes beyond `length`, the input is not copied.
/// On success returns a document (free with crjson_free) and sets *status to CRJSON_OK; otherwise NULL.
crjson_document *crjson_parse(const char *bytes, size_t length, size_t padded_capacity,
                              size_t max_depth, crjson_status *status, char *message, size_t message_capacity);

/// The nodes of a document, in pre-order; node 0 is the root.
const crjson_node *crjson_nodes(const crjson_document *document, size_t *count);

/// Frees a document and everything it owns.
void crjson_free(crjson_document *document);

/// How many readable bytes simdjson wants after the input.
size_t crjson_padding(void);

#ifdef __cplusplus
}
#endif
#endif

#ifndef COREWARD_CSIMDJSON_H
#define COREWARD_CSIMDJSON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A parsed document: owns the parser, its tape and the unescaped strings.
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

/// The tape of a document (simdjson's DOM tape: one 64-bit word per value, two for a number; the top byte of a
/// word is its type: 'r' root, '{' '}' '[' ']', '"' string, 'l' int64, 'u' uint64, 'd' double, 't' 'f' 'n').
/// Word 0 is the root word, the top-level value starts at word 1. An opening '{' or '[' holds in its low 32 bits
/// the index just past its closing word and in bits 32-55 its element count, saturated at 0xFFFFFF. A string word
/// holds in its low 56 bits an offset into crjson_strings: a 32-bit length (host order), then the bytes.
const uint64_t *crjson_tape(const crjson_document *document);

/// The unescaped string buffer the tape's string words point into.
const uint8_t *crjson_strings(const crjson_document *document);

/// Frees a document and everything it owns.
void crjson_free(crjson_document *document);

/// How many readable bytes simdjson wants after the input.
size_t crjson_padding(void);

#ifdef __cplusplus
}
#endif
#endif

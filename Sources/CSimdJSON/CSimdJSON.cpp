// A C ABI over simdjson's DOM parser: Swift walks simdjson's tape (its documented format, docs/tape.md in
// simdjson) in place, without touching C++ types and without a copy of the tree: the tape is 8 bytes per value
// (16 per number), the only per-value memory a parsed body costs. Strings stay in simdjson's unescaped string
// buffer (no copies).
#include "csimdjson.h"

#include <simdjson.h>

#include <cstdio>
#include <cstring>
#include <new>

struct crjson_document {
    simdjson::dom::parser parser;
    /// Words on the tape of the last successful parse (after a failed one, half its length: an upper bound).
    uint64_t tape_words = 0;
};

namespace {

// Each worker thread keeps its last document (parser buffers) for the next request: allocating a fresh
// parser costs page faults on every request. Bounded: one cached document per thread, none whose buffers
// grew past kMaxCachedBytes, and none whose last tape had more than kMaxCachedTapeWords words (the pages a
// parse touched stay resident while cached: a body of many small values touches ~16 bytes per value in the
// tape and the structural index, which must not stay held after the request).
constexpr size_t kMaxCachedBytes = 16u << 20;
constexpr uint64_t kMaxCachedTapeWords = 256u << 10;
thread_local crjson_document *cached_document = nullptr;

struct CacheReleaser {
    ~CacheReleaser() {
        delete cached_document;
        cached_document = nullptr;
    }
};
thread_local CacheReleaser cache_releaser;

crjson_status map_error(simdjson::error_code code) {
    switch (code) {
    case simdjson::UTF8_ERROR: return CRJSON_ERR_UTF8;
    case simdjson::DEPTH_ERROR: return CRJSON_ERR_DEPTH;
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE: return CRJSON_ERR_NUMBER;
    case simdjson::CAPACITY: return CRJSON_ERR_CAPACITY;
    case simdjson::EMPTY: return CRJSON_ERR_EMPTY;
    case simdjson::MEMALLOC: return CRJSON_ERR_MEMORY;
    case simdjson::TAPE_ERROR:
    case simdjson::STRING_ERROR:
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
    case simdjson::UNCLOSED_STRING:
    case simdjson::UNESCAPED_CHARS:
    case simdjson::INCORRECT_TYPE: return CRJSON_ERR_SYNTAX;
    default: return CRJSON_ERR_OTHER;
    }
}

void set_message(char *message, size_t capacity, const char *text) {
    if (message != nullptr && capacity > 0) {
        std::snprintf(message, capacity, "%s", text);
    }
}

} // namespace

extern "C" crjson_document *crjson_parse(const char *bytes, size_t length, size_t padded_capacity,
                                         size_t max_depth, crjson_status *status, char *message,
                                         size_t message_capacity) {
    crjson_document *document = cached_document;
    cached_document = nullptr;
    (void)&cache_releaser;  // make sure the thread's cache is freed when the thread exits
    if (document == nullptr) {
        document = new (std::nothrow) crjson_document();
    }
    if (document == nullptr) {
        *status = CRJSON_ERR_MEMORY;
        set_message(message, message_capacity, "out of memory");
        return nullptr;
    }
    // Until a parse succeeds, assume the worst a failed one may have touched (up to a structural per 2 bytes).
    document->tape_words = length / 2;
    try {
        if ((document->parser.capacity() < length || document->parser.max_depth() != max_depth) &&
            document->parser.allocate(length, max_depth) != simdjson::SUCCESS) {
            *status = CRJSON_ERR_MEMORY;
            set_message(message, message_capacity, "cannot allocate the JSON parser");
            crjson_free(document);
            return nullptr;
        }
        bool copy = padded_capacity < length + simdjson::SIMDJSON_PADDING;
        simdjson::dom::element root;
        simdjson::error_code code =
            document->parser.parse(reinterpret_cast<const uint8_t *>(bytes), length, copy).get(root);
        if (code != simdjson::SUCCESS) {
            *status = map_error(code);
            set_message(message, message_capacity, simdjson::error_message(code));
            crjson_free(document);
            return nullptr;
        }
        // The root word's payload is the index of the last tape word.
        document->tape_words = (document->parser.doc.tape[0] & simdjson::internal::JSON_VALUE_MASK) + 1;
    } catch (...) {
        *status = CRJSON_ERR_MEMORY;
        set_message(message, message_capacity, "out of memory");
        delete document;
        return nullptr;
    }
    *status = CRJSON_OK;
    return document;
}

extern "C" const uint64_t *crjson_tape(const crjson_document *document) {
    return document->parser.doc.tape.get();
}

extern "C" const uint8_t *crjson_strings(const crjson_document *document) {
    return document->parser.doc.string_buf.get();
}

extern "C" void crjson_free(crjson_document *document) {
    if (cached_document == nullptr && document->parser.capacity() <= kMaxCachedBytes &&
        document->tape_words <= kMaxCachedTapeWords) {
        cached_document = document;
    } else {
        delete document;
    }
}

extern "C" size_t crjson_padding(void) { return simdjson::SIMDJSON_PADDING; }

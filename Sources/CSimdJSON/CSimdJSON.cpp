// A C ABI over simdjson's DOM parser: the document is flattened into a pre-order node array that Swift
// walks without touching C++ types. Strings stay in simdjson's unescaped string buffer (no copies).
#include "csimdjson.h"

#include <simdjson.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

struct crjson_document {
    simdjson::dom::parser parser;
    std::vector<crjson_node> nodes;
};

namespace {

// Each worker thread keeps its last document (parser buffers and node array) for the next request:
// allocating a fresh parser costs page faults on every request. Bounded: one cached document per
// thread, and none whose buffers grew past kMaxCachedBytes.
constexpr size_t kMaxCachedBytes = 16u << 20;
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

// Depth is bounded by the parser's max_depth, so this recursion is bounded too.
void flatten(simdjson::dom::element element, std::vector<crjson_node> &nodes) {
    size_t index = nodes.size();
    nodes.push_back(crjson_node{});
    crjson_node node{};
    switch (element.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
        node.kind = CRJSON_NULL;
        break;
    case simdjson::dom::element_type::BOOL:
        node.kind = element.get_bool().value_unsafe() ? CRJSON_TRUE : CRJSON_FALSE;
        break;
    case simdjson::dom::element_type::INT64:
        node.kind = CRJSON_INT;
        node.value.i = element.get_int64().value_unsafe();
        break;
    case simdjson::dom::element_type::UINT64:
        node.kind = CRJSON_UINT;
        node.value.u = element.get_uint64().value_unsafe();
        break;
    case simdjson::dom::element_type::DOUBLE:
        node.kind = CRJSON_DOUBLE;
        node.value.d = element.get_double().value_unsafe();
        break;
    case simdjson::dom::element_type::STRING: {
        std::string_view s = element.get_string().value_unsafe();
        node.kind = CRJSON_STRING;
        node.value.s = s.data();
        node.length = static_cast<uint32_t>(s.size());
        break;
    }
    case simdjson::dom::element_type::ARRAY: {
        node.kind = CRJSON_ARRAY;
        uint32_t count = 0;
        // Keep the array in a local: iterating `get_array().value_unsafe()` directly would walk a
        // reference into a destroyed temporary (found by the FuzzRequests target under ASan).
        simdjson::dom::array array = element.get_array().value_unsafe();
        for (simdjson::dom::element child : array) {
            flatten(child, nodes);
            count++;
        }
        node.count = count;
        break;
    }
    case simdjson::dom::element_type::OBJECT: {
        node.kind = CRJSON_OBJECT;
        uint32_t count = 0;
        simdjson::dom::object object = element.get_object().value_unsafe();
        for (simdjson::dom::key_value_pair field : object) {
            crjson_node key{};
            key.kind = CRJSON_STRING;
            key.value.s = field.key.data();
            key.length = static_cast<uint32_t>(field.key.size());
            key.end = static_cast<uint32_t>(nodes.size() + 1);
            nodes.push_back(key);
            flatten(field.value, nodes);
            count++;
        }
        node.count = count;
        break;
    }
    }
    node.end = static_cast<uint32_t>(nodes.size());
    nodes[index] = node;
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
    try {
        document->nodes.clear();
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
        document->nodes.reserve(length / 32 + 16);
        flatten(root, document->nodes);
    } catch (...) {
        *status = CRJSON_ERR_MEMORY;
        set_message(message, message_capacity, "out of memory");
        delete document;
        return nullptr;
    }
    *status = CRJSON_OK;
    return document;
}

extern "C" const crjson_node *crjson_nodes(const crjson_document *document, size_t *count) {
    *count = document->nodes.size();
    return document->nodes.data();
}

extern "C" void crjson_free(crjson_document *document) {
    if (cached_document == nullptr && document->parser.capacity() <= kMaxCachedBytes) {
        cached_document = document;
    } else {
        delete document;
    }
}

extern "C" size_t crjson_padding(void) { return simdjson::SIMDJSON_PADDING; }

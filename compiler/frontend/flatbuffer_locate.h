// Where a flatbuffer fails verification. FlatBuffers' generated verifier
// answers only yes or no; this walks the buffer again through its schema (the
// binary schema flatc embeds) with the same checks, field by field, and names
// the first one that fails: "subgraphs[0].tensors[33].name: string at byte
// 1204 runs past the end of the buffer (1180 bytes)". Written here because
// FlatBuffers' own reflection verifier (reflection.h) also returns only a
// bool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace reflection {
struct Schema;
}

namespace kiln::frontend {

// The path and the reason of the first failing check, or "" when the walk
// finds none (then only a global limit failed, e.g. the number of tables).
std::string locate_verification_failure(const reflection::Schema& schema, const uint8_t* buffer, size_t size);

}  // namespace kiln::frontend

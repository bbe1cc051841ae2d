// Binary form of a Program (the .kbin file and the bytes the NPU fetches).
// Layout, little-endian (docs/command-stream.md):
//   header: magic "KILN", u16 version, u16 flags, u32 command_count,
//           u32 image_count, u32 payload_bytes, u32 crc32(payload)
//   payload: the commands, each starting with u8 opcode, u8 length in 4-byte
//            words (header included), then its fields; then the images.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/command.h"

namespace kiln {

inline constexpr uint16_t kProgramFormatVersion = 1;

// Encoded size in bytes of one command (a multiple of 4).
size_t encoded_size(const Command& cmd);

// One command <-> its bytes. decode_command throws kiln::Error naming
// `source` and `index` ("prog.kbin: command 12: unknown opcode 0x33").
void encode_command(const Command& cmd, std::vector<uint8_t>& out);
Command decode_command(const uint8_t* data, size_t size, size_t* consumed, const std::string& source, size_t index);

// The command stream alone (what the NPU fetches from memory).
std::vector<uint8_t> encode_commands(const std::vector<Command>& cmds);

// Whole program file, with header, checksum and memory images.
std::vector<uint8_t> encode_program(const Program& program);
Program decode_program(const std::vector<uint8_t>& bytes, const std::string& source);
Program read_program_file(const std::string& path);            // throws kiln::Error
void write_program_file(const Program& program, const std::string& path);  // atomic (temp + rename)

// What is wrong with one command on its own, without an SoC ("" if nothing):
// body not matching the opcode, deps a queue cannot use, zero dimensions,
// enum values out of range, an unknown MCU kernel or the wrong number of its
// arguments, misaligned accumulator addresses. decode_command and the text
// assembler call it; so does validate_program.
std::string command_problem(const Command& cmd);

// Memory names in images and stream placement: [A-Za-z_][A-Za-z0-9_.-]*, at most 255 bytes.
bool is_valid_memory_name(const std::string& name);

// CRC-32 (zlib, IEEE 802.3) as stored in the header.
uint32_t program_crc32(const uint8_t* data, size_t size);

// Offset and size of the header fields, for tools and tests that patch files.
inline constexpr size_t kProgramHeaderBytes = 24;

// What is wrong with one command (itself right) against an SoC ("" if
// nothing): its row's soc_problem, then, for a command of an NPU unit with
// operands, the unit in the SoC and each operand inside a buffer the unit
// reaches.
std::string command_soc_problem(const Command& cmd, const SocConfig& soc);

// Checks a decoded program against an SoC: every address inside a memory or
// scratchpad, DMA channels that exist, shapes that fit their buffers, tokens
// used only between neighbouring queues, and no token deadlock (an abstract
// run of the three queues in order). Throws kiln::Error
// "<source>: command N: <what was expected>" for the first bad command.
void validate_program(const Program& program, const SocConfig& soc, const std::string& source);

}  // namespace kiln

// The vocabulary in which arch/command.h describes each command's fields: where
// a field sits in the binary form, what it is called and how it looks in the
// text form, and what values it may take. The generic binary codec
// (command_codec.cpp), assembler and disassembler (command_text.cpp), equality
// (command.cpp) and the SoC-independent checks (command_problem) read these
// descriptions; none of them names a command.
//
// A field is made from a member pointer, so its C++ type comes from the
// command's struct, and every value passes through FieldValue, wide enough
// for a uint64_t address and an int32_t zero point alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

namespace kiln {

using FieldValue = __int128;

// Bits [8*byte + shift, 8*byte + shift + bits) of the little-endian encoded
// command, counted from its first byte: byte 3 is the flags byte of the
// header, payload fields start at byte 4.
struct BitLoc {
  uint8_t byte = 0, shift = 0, bits = 0;
};
constexpr BitLoc kNoLoc{};
constexpr uint8_t kFlagsByte = 3;
// A payload field of `bits` bits at byte `byte` of the command.
constexpr BitLoc at(uint8_t byte, uint8_t bits) { return {byte, 0, bits}; }
// Bits [shift, shift + bits) of the flags byte.
constexpr BitLoc flag_bits(uint8_t shift, uint8_t bits = 1) { return {kFlagsByte, shift, bits}; }

enum class FieldKind : uint8_t {
  Number,     // integer, text name=decimal
  Address,    // integer, text name=0x hex
  Flag,       // bool, text: a bare word when set
  NoFlag,     // bool, text: a bare word when clear (end's no_interrupt)
  Choice,     // enum with names, text name=<name>
  Spm,        // scratchpad address, text name=<buffer>+offset; buffer id at loc, offset at loc2
  McuKernel,  // MCU kernel id (arch/mcu_op.h); text: the kernel's name right after the mnemonic
  McuArgs,    // the kernel's 32-bit arguments: their count at loc, the words after the fixed
              // part of the command; text: name=value by the kernel's argument names
};

// Names of an enum's values by id, and what the enum is called in messages.
struct Choices {
  const char* what;
  const char* const* names;
  uint8_t count;
};

struct FieldSpec {
  const char* name = "";  // text name and the name in messages
  FieldKind kind = FieldKind::Number;
  BitLoc loc, loc2;
  bool is_signed = false;  // two's complement in the binary form
  FieldValue (*get)(const void* body) = nullptr;
  void (*set)(void* body, FieldValue v) = nullptr;
  FieldValue (*get2)(const void* body) = nullptr;  // Spm: the offset
  void (*set2)(void* body, FieldValue v) = nullptr;
  std::vector<uint32_t>* (*list)(const void* body) = nullptr;  // McuArgs
  const Choices* choices = nullptr;                           // Choice, Spm

  // Text form: a field with a fallback may be left out when assembling;
  // omit_fallback leaves it out of the disassembly when it has that value.
  bool required = true;
  FieldValue fallback = 0;
  bool omit_fallback = false;

  // Checks on the value of this field alone (command_problem).
  bool nonzero = false;
  uint8_t align = 0;
  const char* align_why = "";
  bool has_range = false;
  FieldValue lo = 0, hi = 0;
  const char* range_what = "";

  constexpr FieldSpec optional(FieldValue v) const {
    FieldSpec f = *this;
    f.required = false;
    f.fallback = v;
    return f;
  }
  constexpr FieldSpec omitted_when_default() const {
    FieldSpec f = *this;
    f.omit_fallback = true;
    return f;
  }
  constexpr FieldSpec at_least_1() const {
    FieldSpec f = *this;
    f.nonzero = true;
    return f;
  }
  constexpr FieldSpec aligned(uint8_t bytes, const char* why) const {
    FieldSpec f = *this;
    f.align = bytes;
    f.align_why = why;
    return f;
  }
  // Values outside [min, max] are rejected by the assembler and by command_problem.
  constexpr FieldSpec range(FieldValue min, FieldValue max, const char* what) const {
    FieldSpec f = *this;
    f.has_range = true;
    f.lo = min;
    f.hi = max;
    f.range_what = what;
    return f;
  }
};

namespace field_detail {

template <class M>
struct Member;
template <class C, class T>
struct Member<T C::*> {
  using Class = C;
  using Type = T;
};

template <auto M>
using ClassOf = typename Member<decltype(M)>::Class;
template <auto M>
using TypeOf = typename Member<decltype(M)>::Type;

template <class T>
constexpr FieldValue to_value(T v) {
  if constexpr (std::is_enum_v<T>) return FieldValue(std::underlying_type_t<T>(v));
  else return FieldValue(v);
}
template <class T>
constexpr T from_value(FieldValue v) {
  if constexpr (std::is_same_v<T, bool>) return v != 0;
  else if constexpr (std::is_enum_v<T>) return T(std::underlying_type_t<T>(v));
  else return T(v);
}

template <auto M>
FieldValue get(const void* body) {
  return to_value(static_cast<const ClassOf<M>*>(body)->*M);
}
template <auto M>
void set(void* body, FieldValue v) {
  static_cast<ClassOf<M>*>(body)->*M = from_value<TypeOf<M>>(v);
}
// A member of a member (a scratchpad address's buffer and offset).
template <auto M, auto N>
FieldValue get2(const void* body) {
  return to_value((static_cast<const ClassOf<M>*>(body)->*M).*N);
}
template <auto M, auto N>
void set2(void* body, FieldValue v) {
  (static_cast<ClassOf<M>*>(body)->*M).*N = from_value<TypeOf<N>>(v);
}
template <auto M>
std::vector<uint32_t>* list(const void* body) {
  return &(const_cast<ClassOf<M>*>(static_cast<const ClassOf<M>*>(body))->*M);
}

template <auto M>
constexpr FieldSpec make(const char* name, FieldKind kind, BitLoc loc) {
  FieldSpec f;
  f.name = name;
  f.kind = kind;
  f.loc = loc;
  f.is_signed = std::is_signed_v<TypeOf<M>> && !std::is_enum_v<TypeOf<M>>;
  f.get = &get<M>;
  f.set = &set<M>;
  return f;
}

// The number of members of an aggregate: the most initializers T{...} takes.
// Each member of a command's struct must have its field (kCommands asserts it),
// so a member cannot be left out of the codec, the text form and equality.
struct AnyMember {
  template <class T>
  constexpr operator T() const {
    return T{};
  }
};
template <class T, class Seq, class = void>
struct Initializable : std::false_type {};
template <class T, size_t... I>
struct Initializable<T, std::index_sequence<I...>, std::void_t<decltype(T{(void(I), AnyMember{})...})>>
    : std::true_type {};
template <class T, size_t N = 0>
constexpr size_t member_count() {
  if constexpr (!Initializable<T, std::make_index_sequence<N + 1>>::value) return N;
  else return member_count<T, N + 1>();
}

}  // namespace field_detail

// The field kinds, each from a member pointer.
template <auto M>
constexpr FieldSpec number(const char* name, BitLoc loc) {
  static_assert(std::is_integral_v<field_detail::TypeOf<M>>, "a number field is an integer member");
  return field_detail::make<M>(name, FieldKind::Number, loc);
}
template <auto M>
constexpr FieldSpec address(const char* name, BitLoc loc) {
  static_assert(std::is_integral_v<field_detail::TypeOf<M>>, "an address field is an integer member");
  return field_detail::make<M>(name, FieldKind::Address, loc);
}
template <auto M>
constexpr FieldSpec flag(const char* name, BitLoc loc) {
  static_assert(std::is_same_v<field_detail::TypeOf<M>, bool>, "a flag is a bool member");
  return field_detail::make<M>(name, FieldKind::Flag, loc);
}
template <auto M>
constexpr FieldSpec no_flag(const char* name, BitLoc loc) {
  static_assert(std::is_same_v<field_detail::TypeOf<M>, bool>, "a flag is a bool member");
  return field_detail::make<M>(name, FieldKind::NoFlag, loc);
}
template <auto M>
constexpr FieldSpec choice(const char* name, BitLoc loc, const Choices& choices) {
  static_assert(std::is_enum_v<field_detail::TypeOf<M>>, "a choice is an enum member");
  FieldSpec f = field_detail::make<M>(name, FieldKind::Choice, loc);
  f.choices = &choices;
  return f;
}
// A scratchpad address: member M's buffer id at `buf`, its offset at `offset`.
// get/set carry the buffer id, get2/set2 (at loc2) the offset.
template <auto M, auto Buf, auto Offset>
constexpr FieldSpec scratchpad(const char* name, BitLoc buf, BitLoc offset, const Choices& buffers) {
  FieldSpec f;
  f.name = name;
  f.kind = FieldKind::Spm;
  f.loc = buf;
  f.loc2 = offset;
  f.get = &field_detail::get2<M, Buf>;
  f.set = &field_detail::set2<M, Buf>;
  f.get2 = &field_detail::get2<M, Offset>;
  f.set2 = &field_detail::set2<M, Offset>;
  f.choices = &buffers;
  return f;
}
template <auto M>
constexpr FieldSpec mcu_kernel(const char* name, BitLoc loc) {
  return field_detail::make<M>(name, FieldKind::McuKernel, loc);
}
template <auto M>
constexpr FieldSpec mcu_args(const char* name, BitLoc count) {
  static_assert(std::is_same_v<field_detail::TypeOf<M>, std::vector<uint32_t>>, "arguments are a vector of words");
  FieldSpec f;
  f.name = name;
  f.kind = FieldKind::McuArgs;
  f.loc = count;
  f.list = &field_detail::list<M>;
  return f;
}

// A field list, as the table holds it.
struct FieldList {
  const FieldSpec* data = nullptr;
  size_t size = 0;
  constexpr const FieldSpec* begin() const { return data; }
  constexpr const FieldSpec* end() const { return data + size; }
};
template <size_t N>
constexpr FieldList fields_of(const FieldSpec (&a)[N]) {
  return {a, N};
}

}  // namespace kiln

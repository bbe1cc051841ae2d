// The command table (arch/command.h) is the one description of each command:
// these tests check that its rows are consistent (fields inside the command's
// words, none overlapping, names unique) and that the generic codec, text form
// and equality follow every field of every row, and that the table in
// docs/command-stream.md says what kCommands says.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "arch/command.h"
#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "tests/support/test_paths.h"

using namespace kiln;

namespace {

struct OpOnly {
  Opcode op;
};
template <size_t N>
struct Ops {
  OpOnly ops[N];
};

// The opcodes of the first N rows of the table: all of them, and all but the
// last, as a simulator missing one executor would list them.
template <size_t... I>
constexpr Ops<sizeof...(I)> first_rows(std::index_sequence<I...>) {
  return {{OpOnly{kCommands[I].op}...}};
}
constexpr auto kAll = first_rows(std::make_index_sequence<std::size(kCommands)>{});
constexpr auto kAllButLast = first_rows(std::make_index_sequence<std::size(kCommands) - 1>{});

// The simulator static_asserts covers_every_command over its executors, so a
// command without one does not compile; the same predicate, tested here.
static_assert(covers_every_command(kAll.ops));
static_assert(!covers_every_command(kAllButLast.ops));

void mark(std::vector<int>& owner, BitLoc loc, int field, const std::string& what) {
  INFO(what);
  for (unsigned i = 0; i < loc.bits; ++i) {
    const unsigned bit = loc.byte * 8u + loc.shift + i;
    REQUIRE(bit / 8 < owner.size());  // inside the command's words
    CHECK(owner[bit] == -1);          // no two fields share a bit
    owner[bit] = field;
  }
}

}  // namespace

TEST_CASE("command table: a command without an executor is refused", "[command][table]") {
  CHECK(covers_every_command(kAll.ops));
  CHECK_FALSE(covers_every_command(kAllButLast.ops));
  constexpr OpOnly kNoGemm[] = {{Opcode::DmaLoad}, {Opcode::DmaStore}, {Opcode::Conv}, {Opcode::PostProcess},
                                {Opcode::Fence},   {Opcode::McuOp},    {Opcode::End}};
  CHECK_FALSE(covers_every_command(kNoGemm));
  // The simulator's form: compute-queue commands run on the unit that claims them.
  constexpr OpOnly kOutsideCompute[] = {
      {Opcode::DmaLoad}, {Opcode::DmaStore}, {Opcode::Fence}, {Opcode::McuOp}, {Opcode::End}};
  CHECK(covers_every_command_outside(kOutsideCompute, Queue::Compute));
  CHECK_FALSE(covers_every_command(kOutsideCompute));
  constexpr OpOnly kNoFence[] = {{Opcode::DmaLoad}, {Opcode::DmaStore}, {Opcode::McuOp}, {Opcode::End}};
  CHECK_FALSE(covers_every_command_outside(kNoFence, Queue::Compute));
}

TEST_CASE("command table: rows are consistent", "[command][table]") {
  std::set<std::string> mnemonics;
  std::set<uint8_t> opcodes;
  int previous = -1;
  for (const CommandSpec& c : kCommands) {
    INFO(c.mnemonic);
    CHECK(mnemonics.insert(c.mnemonic).second);
    CHECK(opcodes.insert(uint8_t(c.op)).second);
    CHECK(int(c.op) > previous);  // opcode order
    previous = int(c.op);
    CHECK(c.words >= 1);
    CHECK(find_command(uint8_t(c.op)) == &c);
    CHECK(find_command(std::string(c.mnemonic)) == &c);
    CHECK(make_body(c.body).index() == c.body);

    // Bits 0..23 are the header's opcode, length and deps; the flags byte and payload belong to fields.
    std::vector<int> owner(8 * 4 * size_t(c.words), -1);
    for (int b = 0; b < 24; ++b) owner[size_t(b)] = 99;
    std::set<std::string> names;
    int i = 0;
    for (const FieldSpec& f : c.fields) {
      CHECK(names.insert(f.name).second);
      CHECK(f.loc.bits > 0);
      CHECK(f.loc.byte >= kFlagsByte);
      mark(owner, f.loc, i, std::string(c.mnemonic) + " " + f.name);
      if (f.kind == FieldKind::Spm) mark(owner, f.loc2, i, std::string(c.mnemonic) + " " + f.name + " offset");
      CHECK((f.kind == FieldKind::McuArgs) == (f.list != nullptr));
      CHECK((f.kind == FieldKind::Spm) == (f.get2 != nullptr));
      ++i;
    }
  }
}

// A command of an NPU unit: its row names the unit, and the scratchpad
// operands it holds and validation checks are its scratchpad fields, one of
// them its result; with them comes its closed form.
TEST_CASE("command table: a unit command's operands are its scratchpad fields", "[command][table]") {
  size_t with_operands = 0;
  for (const CommandSpec& c : kCommands) {
    INFO(c.mnemonic);
    CHECK((c.queue == Queue::Compute) == (c.unit != nullptr));
    if (!c.operands) continue;
    ++with_operands;
    CHECK(c.cycles);
    const Command cmd{c.op, {}, make_body(c.body)};
    std::set<std::string> fields, operands;
    for (const FieldSpec& f : c.fields)
      if (f.kind == FieldKind::Spm) fields.insert(f.name);
    size_t written = 0;
    for (const SpmOperand& o : c.operands(cmd)) {
      operands.insert(o.name);
      written += o.written;
    }
    CHECK(operands == fields);
    CHECK(written == 1);
  }
  CHECK(with_operands >= 11);
}

// Each field on its own: a value that differs in that field only must make
// the commands unequal, survive encode -> decode and format -> parse, and
// land at the field's bits (the rest of the command unchanged).
TEST_CASE("command table: every field is encoded, decoded, formatted, parsed and compared", "[command][table]") {
  const Command base_gemm{Opcode::Gemm, {}, GemmCmd{1, 1, 1, 0, 1, 0, 1, 0, 1, Dataflow::WeightStationary, false}};
  std::vector<Command> bases;
  DmaCmd d;
  d.row_bytes = 4;
  bases.push_back({Opcode::DmaLoad, {}, d});
  bases.push_back({Opcode::DmaStore, {}, d});
  bases.push_back(base_gemm);
  ConvCmd v;
  v.in_h = v.in_w = v.out_h = v.out_w = 1;
  v.in_c = v.n = 1;
  bases.push_back({Opcode::Conv, {}, v});
  PostProcessCmd p;
  p.m = p.n = 1;
  bases.push_back({Opcode::PostProcess, {}, p});
  bases.push_back({Opcode::Fence, {}, FenceCmd{}});
  bases.push_back({Opcode::End, {}, EndCmd{}});
  VectorAddCmd va;
  va.count = 1;
  bases.push_back({Opcode::VectorAdd, {}, va});
  VectorPoolCmd vp;  // a 3x3 window over a 4x4 tile: each field alone may take another value
  vp.in_h = vp.in_w = 4, vp.c = 1, vp.out_h = vp.out_w = 1, vp.kh = vp.kw = 3;
  bases.push_back({Opcode::VectorAvgPool, {}, vp});
  bases.push_back({Opcode::VectorMaxPool, {}, vp});
  VectorRequantizeCmd vr;
  vr.count = 1;
  bases.push_back({Opcode::VectorRequantize, {}, vr});
  VectorMeanCmd vm;
  vm.h = vm.w = vm.c = 1;
  bases.push_back({Opcode::VectorMean, {}, vm});
  VectorMaxMinCmd vx;
  vx.count = 1;
  bases.push_back({Opcode::VectorMax, {}, vx});
  bases.push_back({Opcode::VectorMin, {}, vx});
  bases.push_back({Opcode::VectorSub, {}, va});
  VectorMulCmd vmu;
  vmu.count = vmu.b_count = 1;
  bases.push_back({Opcode::VectorMul, {}, vmu});
  VectorLutCmd vl;
  vl.count = 1;
  bases.push_back({Opcode::VectorLut, {}, vl});
  VectorDepthwiseCmd vd;  // a 3x3 window over a 4x4 tile, as vp
  vd.in_h = vd.in_w = 4, vd.c = 1, vd.out_h = vd.out_w = 1, vd.kh = vd.kw = 3;
  bases.push_back({Opcode::VectorDepthwise, {}, vd});
  VectorPadCmd vpad;
  vpad.in_h = vpad.in_w = vpad.c = 1;
  bases.push_back({Opcode::VectorPad, {}, vpad});
  REQUIRE(bases.size() + 1 == std::size(kCommands));  // mcu is covered by its own tests

  for (const Command& base : bases) {
    const CommandSpec& spec = command_spec(base.op);
    REQUIRE(command_problem(base) == "");
    std::vector<uint8_t> base_bytes;
    encode_command(base, base_bytes);
    REQUIRE(base_bytes.size() == 4u * spec.words);
    for (const FieldSpec& f : spec.fields) {
      INFO(spec.mnemonic << " " << f.name);
      Command changed = base;
      void* body = std::visit([](auto& b) -> void* { return &b; }, changed.body);
      // A valid value other than the base's: for a number, another value its bits hold and its checks accept.
      FieldValue value = f.get(body) == 1 ? 2 : 1;
      if (f.kind == FieldKind::Flag || f.kind == FieldKind::NoFlag) value = f.get(body) ? 0 : 1;
      if (f.kind == FieldKind::Address && f.align) value = f.align;
      if (f.has_range && (value < f.lo || value > f.hi)) value = f.get(body) == f.lo ? f.hi : f.lo;  // vadd shifts
      f.set(body, value);
      if (f.kind == FieldKind::Spm) f.set2(body, 8);
      if (auto c = std::get_if<ConvCmd>(&changed.body); c && std::string(f.name) == "n") c->in_c = 2, c->n = 2;
      if (auto c = std::get_if<ConvCmd>(&changed.body); c && std::string(f.name) == "in_c") c->n = c->in_c;
      if (auto c = std::get_if<ConvCmd>(&changed.body); c && std::string(f.name) == "in_stride") c->in_pixel_stride = 7;
      if (auto c = std::get_if<VectorMulCmd>(&changed.body); c && std::string(f.name) == "b_count") c->count = c->b_count;
      REQUIRE(command_problem(changed) == "");
      CHECK_FALSE(changed == base);

      std::vector<uint8_t> bytes;
      encode_command(changed, bytes);
      size_t used = 0;
      CHECK(decode_command(bytes.data(), bytes.size(), &used, "t", 0) == changed);
      CHECK(used == bytes.size());
      CHECK(bytes != base_bytes);

      const std::string text = format_command(changed) + (base.op == Opcode::End ? "\n" : "\nend\n");
      CHECK(parse_program_text(text, "t.kasm").commands.at(0) == changed);
    }
  }
}

// docs/command-stream.md's table of commands says what kCommands says:
// mnemonic, opcode, words and the text fields in their order.
TEST_CASE("command table: docs/command-stream.md has each row as the table has it", "[command][table]") {
  std::ifstream in(test::source_dir() + "/docs/command-stream.md");
  std::stringstream doc;
  doc << in.rdbuf();
  std::map<std::string, std::vector<std::string>> rows;  // mnemonic -> cells
  std::string line;
  while (std::getline(doc, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream cs(line.substr(1));
    for (std::string cell; std::getline(cs, cell, '|');) {
      const size_t b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    if (cells.size() >= 4) rows[cells[0]] = cells;
  }
  for (const CommandSpec& c : kCommands) {
    INFO(c.mnemonic);
    const auto row = rows.find("`" + std::string(c.mnemonic) + "`");
    REQUIRE(row != rows.end());
    const auto& cells = row->second;
    CHECK(cells[1] == fmt::format("0x{:02X}", uint8_t(c.op)));
    CHECK(cells[2].rfind(std::to_string(c.words), 0) == 0);
    std::string names;
    bool named_in_text = true;
    for (const FieldSpec& f : c.fields) {
      if (f.kind == FieldKind::McuKernel || f.kind == FieldKind::McuArgs) named_in_text = false;
      names += (names.empty() ? "" : " ") + std::string(f.name);
    }
    if (!named_in_text) continue;  // mcu: the kernel's name and arguments (arch/mcu_op.h)
    if (cells[3] == "same as load") CHECK(command_spec(Opcode::DmaLoad).fields.data == c.fields.data);
    else if (names.empty()) CHECK(cells[3] == "\u2014");  // an em dash
    else CHECK(cells[3] == "`" + names + "`");
  }
}

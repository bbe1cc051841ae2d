#include "sim/loader.h"

#include <fmt/format.h>

#include <algorithm>

#include "arch/command_codec.h"
#include "arch/error.h"

namespace kiln::sim {

StreamLayout load_program(const SocConfig& soc, const Program& program,
                          const std::map<std::string, MemoryTarget*>& memories, const std::string& source) {
  auto memory = [&](const std::string& name, const std::string& what) -> MemoryTarget& {
    auto it = memories.find(name);
    if (it == memories.end()) throw Error(fmt::format("{}: {}: the SoC has no memory named '{}'", source, what, name));
    return *it->second;
  };
  auto place = [&](MemoryTarget& m, uint64_t addr, const uint8_t* data, uint64_t len, const std::string& what) {
    const MemoryConfig& c = m.config();
    if (addr < c.base || addr - c.base > c.size_bytes || len > c.size_bytes - (addr - c.base))
      throw Error(fmt::format("{}: {}: {} bytes at 0x{:08x} do not fit in {} [0x{:08x}, 0x{:08x})", source, what, len,
                              addr, c.name, c.base, c.base + c.size_bytes));
    m.load(addr - c.base, data, len);
  };
  for (size_t i = 0; i < program.images.size(); ++i) {
    const MemoryImage& img = program.images[i];
    const std::string what = fmt::format("image {}", i);
    place(memory(img.memory, what), img.addr, img.bytes.data(), img.bytes.size(), what);
  }

  StreamLayout layout;
  layout.offsets.push_back(0);
  for (const Command& c : program.commands) layout.offsets.push_back(layout.offsets.back() + encoded_size(c));
  const std::vector<uint8_t> stream = encode_commands(program.commands);

  std::string where = program.stream_memory;
  uint64_t addr = program.stream_addr;
  if (where.empty()) {
    const MemoryConfig* flash = soc.first_of_kind(MemoryKind::Flash);
    if (!flash) flash = soc.memories.empty() ? nullptr : &soc.memories.front();
    if (!flash) throw Error(fmt::format("{}: the SoC has no memory to hold the command stream", source));
    where = flash->name;
    uint64_t end = flash->base;
    for (const MemoryImage& img : program.images)
      if (img.memory == where) end = std::max<uint64_t>(end, img.addr + img.bytes.size());
    addr = (end + 15) / 16 * 16;
  }
  place(memory(where, "command stream"), addr, stream.data(), stream.size(), "command stream");
  layout.addr = addr;
  return layout;
}

}  // namespace kiln::sim

// The program loader: copies the memory images into the memories and the
// encoded command stream where Program::stream_memory/stream_addr say (or, if
// stream_memory is empty, after the last image in the first flash memory,
// 16-byte aligned). Instantaneous: it runs before time 0.
#pragma once

#include <map>
#include <string>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "sim/mcu.h"
#include "sim/memory_target.h"

namespace kiln::sim {

StreamLayout load_program(const SocConfig& soc, const Program& program,
                          const std::map<std::string, MemoryTarget*>& memories, const std::string& source);

}  // namespace kiln::sim

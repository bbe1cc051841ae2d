// kiln compile MODEL --soc CONFIG -o PROGRAM [--emit-asm FILE] [--tuning RECORD] [--mcu-only]
#include <iostream>

#include <fmt/format.h>

#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "arch/profile.h"
#include "arch/soc_config_yaml.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/frontend/load_model.h"
#include "explore/paths.h"
#include "explore/tuning_record.h"
#include "tools/commands.h"

namespace kiln::tools {

using namespace kiln::explore;  // the library the commands call

void add_compile_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("compile", "Compile a .tflite or .onnx model into a program (.kbin) for an SoC");
  struct Options {
    std::string model, soc = default_soc_path(), output, asm_output, tuning;
    bool mcu_only = false;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("MODEL", opt->model, "int8 model (.tflite or .onnx)")->required();
  cmd->add_option("--soc", opt->soc, "SoC config (YAML)")->capture_default_str();
  cmd->add_option("-o,--output", opt->output, "program file to write (.kbin)")->required();
  cmd->add_option("--tuning", opt->tuning, "use the tilings of a tuning record (kiln tune) made for this model and SoC");
  cmd->add_option("--emit-asm", opt->asm_output, "also write the command stream as text (.kasm)");
  cmd->add_flag("--mcu-only", opt->mcu_only, "run every op on the MCU (a software-only deployment on the same SoC)");
  cmd->callback([opt] {
    const SocConfig soc = load_soc_config(opt->soc);
    const ir::Graph graph = frontend::load_model(opt->model);
    const RecordChoices tuned = opt->tuning.empty() ? RecordChoices{} : load_tuning_choices(opt->tuning, opt->model, soc);
    const codegen::CompiledModel compiled = codegen::compile_model(graph, soc, tuned.choices, tuned.origins,
                                                                   passes::PartitionOptions{opt->mcu_only});
    validate_program(compiled.program, soc, opt->output);
    write_program_file(compiled.program, opt->output);
    if (!opt->asm_output.empty()) write_text_file_atomic(opt->asm_output, format_program(compiled.program));
    size_t npu = 0, mcu = 0;
    for (const auto& l : compiled.layers)
      (l.unit == passes::Unit::Npu || l.unit == passes::Unit::Vector ? npu : mcu) += l.unit != passes::Unit::None;
    std::cout << fmt::format("{}: {} layers ({} on the NPU, {} on the MCU), {} commands\n", opt->model,
                             compiled.layers.size(), npu, mcu, compiled.program.commands.size());
    std::cout << fmt::format("flash: {} bytes of constants + {} bytes of stream; peak SRAM: {} bytes\n",
                             compiled.flash_bytes, compiled.stream_bytes, compiled.peak_sram_bytes);
    std::cout << "wrote " << opt->output << (opt->asm_output.empty() ? "" : " and " + opt->asm_output) << "\n";
  });
}

}  // namespace kiln::tools

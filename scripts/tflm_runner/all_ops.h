// The operator resolver of tflm_multi_run: every kernel the TensorFlow Lite
// Micro library in ../shared/reference/tflm builds, as its own runner
// tflm_run registers them (its README lists them), so that a model runs here
// exactly when it runs there.
#pragma once

#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"

namespace tflm_runner {

// Room for every registration below (103) with some to spare.
using Resolver = tflite::MicroMutableOpResolver<160>;

// Registers the operators; on failure returns the name of the one that failed,
// else nullptr.
const char* register_all_ops(Resolver& resolver);

}  // namespace tflm_runner

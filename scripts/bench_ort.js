// One onnxruntime inference of an ONNX model, timed: the yardstick of
// scripts/bench_run.sh. CPU, one thread (intra- and inter-op), onnxruntime's
// default graph optimizations (its QDQ fusion into int8 kernels); random
// inputs of each input's type and shape. Warms up, then times RUNS
// inferences one by one and prints one JSON line:
//   {"model", "runs", "median_ms", "min_ms"}
//   NODE_PATH=build/node_ort/node_modules node scripts/bench_ort.js MODEL.onnx [RUNS]
"use strict";
const ort = require("onnxruntime-node");

const arrays = { int8: Int8Array, uint8: Uint8Array, float32: Float32Array };

async function main() {
  const [model, runsArg] = process.argv.slice(2);
  const runs = Number(runsArg || 200);
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ["cpu"],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
  });
  const feeds = {};
  for (const meta of session.inputMetadata) {
    const Array = arrays[meta.type];
    if (!Array || !meta.isTensor) throw new Error(`${model}: input ${meta.name} of type ${meta.type}`);
    const dims = meta.shape.map((d) => (typeof d === "number" && d > 0 ? d : 1));
    const data = new Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; ++i) data[i] = meta.type === "float32" ? Math.random() : (i * 37) % 251 - 125;
    feeds[meta.name] = new ort.Tensor(meta.type, data, dims);
  }
  for (let i = 0; i < 20; ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const begin = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - begin) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ model, runs, median_ms: times[Math.floor(runs / 2)], min_ms: times[0] }));
}

main().catch((e) => {
  console.error(`bench_ort: ${e.message}`);
  process.exit(1);
});

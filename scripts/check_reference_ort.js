// Runs ONNX models with onnxruntime-node (CPU) for scripts/check_reference.py.
//   node check_reference_ort.js JOB.json
// JOB.json: {"graphOptimizationLevel": "basic" (optional), "extra": {...} (optional session config),
//            "models": [{"path": "m.onnx", "runs": [{"out": "prefix",
//                        "feeds": [{"name", "file", "dtype": "int8"|"uint8"|"float32", "dims": [...]}]}]}]}
// Each feed file holds raw elements in the model's own layout and type. For
// each run, writes <out>.out<K>.bin for every graph output K and prints one
// JSON line: [{"name", "dtype", "dims"}, ...].
"use strict";
const fs = require("fs");
const ort = require("onnxruntime-node");

const arrays = { int8: Int8Array, uint8: Uint8Array, float32: Float32Array };

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const options = { executionProviders: ["cpu"] };
  if (job.graphOptimizationLevel) options.graphOptimizationLevel = job.graphOptimizationLevel;
  if (job.extra) options.extra = job.extra;
  for (const model of job.models) {
    const session = await ort.InferenceSession.create(model.path, options);
    for (const run of model.runs) {
      const feeds = {};
      for (const feed of run.feeds) {
        const Array = arrays[feed.dtype];
        if (!Array) throw new Error(`${model.path}: unsupported input dtype ${feed.dtype}`);
        const bytes = Uint8Array.from(fs.readFileSync(feed.file));  // a copy: aligned for Float32Array
        feeds[feed.name] = new ort.Tensor(feed.dtype, new Array(bytes.buffer), feed.dims);
      }
      const results = await session.run(feeds);
      const meta = session.outputNames.map((name, k) => {
        const t = results[name];
        fs.writeFileSync(`${run.out}.out${k}.bin`, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
        return { name, dtype: t.type, dims: t.dims };
      });
      console.log(JSON.stringify(meta));
    }
  }
}

main().catch((e) => {
  console.error(`check_reference_ort: ${e.message}`);
  process.exit(1);
});

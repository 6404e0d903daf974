// ONNX Runtime side of bench/compare-ort.sh: FP32 batch inference throughput of .onnx
// files with onnxruntime-node (CPU execution provider, MLAS kernels).
//
//   node run.mjs [--batch 256] [--threads 2] [--seconds 1] [--json] MODEL.onnx...
//
// For every model: one session with intraOpNumThreads = --threads (interOpNumThreads 1,
// sequential execution, all graph optimisations), one input tensor of --batch samples
// (uniform [0, 1), fixed seed) created once, one warm-up run, then session.run() repeated
// for at least --seconds (and at least 3 times); the median wall time of one run gives
// samples/s. The per-sample input shape is read from the model's graph input (the batch
// axis is replaced by --batch), so no Python or protobuf package is needed.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';

function usage(message) {
    if (message)
        console.error(`run.mjs: ${message}`);
    console.error('usage: node run.mjs [--batch B] [--threads T] [--seconds S] [--json] MODEL.onnx...');
    process.exit(2);
}

function parseArgs(argv) {
    const o = { batch: 256, threads: 2, seconds: 1.0, json: false, models: [] };
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i];
        const next = () => {
            if (i + 1 >= argv.length)
                usage(`${a} needs a value`);
            return argv[++i];
        };
        if (a === '--batch') o.batch = Number(next());
        else if (a === '--threads') o.threads = Number(next());
        else if (a === '--seconds') o.seconds = Number(next());
        else if (a === '--json') o.json = true;
        else if (a.startsWith('--')) usage(`unknown option ${a}`);
        else o.models.push(a);
    }
    if (!Number.isInteger(o.batch) || o.batch < 1) usage('--batch must be a positive integer');
    if (!Number.isInteger(o.threads) || o.threads < 1) usage('--threads must be a positive integer');
    if (!(o.seconds > 0)) usage('--seconds must be positive');
    if (o.models.length === 0) usage('no model given');
    return o;
}

// --- A minimal protobuf reader: just enough of onnx.proto to find the graph inputs. ---

function readVarint(buf, pos) {
    let value = 0n;
    let shift = 0n;
    for (;;) {
        if (pos >= buf.length)
            throw new Error('truncated protobuf');
        const b = buf[pos++];
        value |= BigInt(b & 0x7f) << shift;
        if ((b & 0x80) === 0)
            return [value, pos];
        shift += 7n;
    }
}

// Calls fn(fieldNumber, wireType, value) for every field of the message in buf;
// value is a BigInt for varints and a Uint8Array for length-delimited fields.
function forEachField(buf, fn) {
    let pos = 0;
    while (pos < buf.length) {
        let key;
        [key, pos] = readVarint(buf, pos);
        const field = Number(key >> 3n);
        const wire = Number(key & 7n);
        if (wire === 0) {
            let v;
            [v, pos] = readVarint(buf, pos);
            fn(field, wire, v);
        } else if (wire === 2) {
            let len;
            [len, pos] = readVarint(buf, pos);
            const end = pos + Number(len);
            if (end > buf.length)
                throw new Error('truncated protobuf');
            fn(field, wire, buf.subarray(pos, end));
            pos = end;
        } else if (wire === 1) {
            pos += 8;
        } else if (wire === 5) {
            pos += 4;
        } else {
            throw new Error(`unsupported protobuf wire type ${wire}`);
        }
    }
}

const text = (bytes) => new TextDecoder().decode(bytes);

// ModelProto.graph (7) -> GraphProto.input (11, ValueInfoProto) minus initializers (5,
// TensorProto.name = 8) -> ValueInfoProto.type (2) -> TypeProto.tensor_type (1) ->
// Tensor.shape (2) -> TensorShapeProto.dim (1) -> dim_value (1) | dim_param (2).
function graphInputs(path) {
    const model = readFileSync(path);
    let graph = null;
    forEachField(model, (f, w, v) => { if (f === 7 && w === 2) graph = v; });
    if (!graph)
        throw new Error(`${path}: no graph`);
    const inputs = [];
    const initializers = new Set();
    forEachField(graph, (f, w, v) => {
        if (f === 5 && w === 2)
            forEachField(v, (g, gw, gv) => { if (g === 8 && gw === 2) initializers.add(text(gv)); });
        if (f !== 11 || w !== 2)
            return;
        const input = { name: '', dims: [] };
        forEachField(v, (g, gw, gv) => {
            if (g === 1 && gw === 2) input.name = text(gv);
            if (g !== 2 || gw !== 2) return;
            forEachField(gv, (t, tw, tv) => {
                if (t !== 1 || tw !== 2) return;
                forEachField(tv, (s, sw, sv) => {
                    if (s !== 2 || sw !== 2) return;
                    forEachField(sv, (d, dw, dv) => {
                        if (d !== 1 || dw !== 2) return;
                        let dim = -1;
                        forEachField(dv, (k, kw, kv) => { if (k === 1 && kw === 0) dim = Number(kv); });
                        input.dims.push(dim);
                    });
                });
            });
        });
        inputs.push(input);
    });
    return inputs.filter((i) => !initializers.has(i.name));
}

// --- Timing. ---

function makeInput(count) {
    // xorshift32, fixed seed: the values only need to be ordinary floats in [0, 1).
    let s = 0x9e3779b9;
    const data = new Float32Array(count);
    for (let i = 0; i < count; ++i) {
        s ^= s << 13; s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5; s >>>= 0;
        data[i] = s / 4294967296;
    }
    return data;
}

async function medianSeconds(fn, minSeconds) {
    await fn();
    const times = [];
    const t0 = performance.now();
    while (times.length < 3 || (performance.now() - t0) * 1e-3 < minSeconds) {
        const t = performance.now();
        await fn();
        times.push((performance.now() - t) * 1e-3);
        if (times.length >= 100000)
            break;
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
}

async function benchModel(path, o) {
    const inputs = graphInputs(path);
    if (inputs.length !== 1)
        throw new Error(`${path}: expected one graph input, found ${inputs.length}`);
    const sampleDims = inputs[0].dims.slice(1);
    if (sampleDims.some((d) => d <= 0))
        throw new Error(`${path}: input '${inputs[0].name}' has a dynamic non-batch axis`);
    const session = await ort.InferenceSession.create(path, {
        executionProviders: ['cpu'],
        intraOpNumThreads: o.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
    });
    const dims = [o.batch, ...sampleDims];
    const x = new ort.Tensor('float32', makeInput(dims.reduce((a, b) => a * b, 1)), dims);
    const feeds = { [session.inputNames[0]]: x };
    const seconds = await medianSeconds(() => session.run(feeds), o.seconds);
    return {
        model: path,
        engine: `onnxruntime-node ${ort.env.versions?.common ?? '1.17.0'}`,
        threads: o.threads,
        batch: o.batch,
        samples_per_s: o.batch / seconds,
        seconds_per_batch: seconds,
    };
}

const o = parseArgs(process.argv.slice(2));
const results = [];
try {
    for (const m of o.models)
        results.push(await benchModel(m, o));
} catch (e) {
    console.error(`run.mjs: ${e.message}`);
    process.exit(1);
}
if (o.json) {
    console.log(JSON.stringify({ results }));
} else {
    for (const r of results)
        console.log(`${r.model}\t${r.threads} threads\tbatch ${r.batch}\t`
                    + `${Math.round(r.samples_per_s)} samples/s`);
}

/**
 * Row-wise activation quantization for int8 graphs, so that texts can be batched without changing their results.
 *
 * onnxruntime's `quantize_dynamic` graphs quantize each activation with one scale and zero point for the whole tensor
 * (DynamicQuantizeLinear). In a batch, every text's scale then depends on its neighbours and on the padding, which
 * moves probabilities by up to 3e-2. This rewrite gives every row of the batch its own scale and zero point, computed
 * over that row's real tokens only (padding is masked out of the range), exactly as DynamicQuantizeLinear computes them
 * for the text alone:
 *
 *   range   = [min(0, min x), max(0, max x)] over the row's real tokens
 *   scale   = (max - min) / 255,  zero point = round(clamp(-min / scale, 0, 255)),  q = saturate(round(x / scale) + zp)
 *
 * MatMulInteger takes only a per-tensor zero point for A in onnxruntime, so the matmul runs with A's zero point 0 and
 * the zero point is taken out afterwards, exactly, in int32: sum_k (q - zp) w = sum_k q w - zp * sum_k w.
 *
 * The protobuf is edited at the wire level (protobufjs Reader/Writer): only graph nodes and the few weights read for
 * column sums are decoded; everything else is copied byte for byte. value_info is dropped (scales change shape;
 * onnxruntime infers shapes again). A graph whose pattern differs from quantize_dynamic's gets no rewrite and runs one
 * text per call, as before.
 */
import { createHash, randomUUID } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import protobuf from "protobufjs/light";

/** Bump when the rewrite changes: cached graphs of older rewrites are then made again. */
const REWRITE_VERSION = 3;

/**
 * How the rewrite stores the weights (B) of its MatMulInteger nodes. "int8": as the source has them, so onnxruntime runs
 * its default u8s8 kernels (exact with VNNI and on ARM, ~2x the u8u8 speed there). "uint8": shifted by 128, so it runs
 * the u8u8 kernels, the exact ones on x64 CPUs without VNNI (kernels.ts decides which a machine needs).
 */
export type RowwiseWeights = "int8" | "uint8";

const DESCRIPTOR = {
  nested: {
    NodeProto: {
      fields: {
        input: { rule: "repeated", type: "string", id: 1 },
        output: { rule: "repeated", type: "string", id: 2 },
        name: { type: "string", id: 3 },
        opType: { type: "string", id: 4 },
        // Kept as raw bytes: nodes are rewritten without decoding attributes they carry.
        attribute: { rule: "repeated", type: "bytes", id: 5 },
        docString: { type: "string", id: 6 },
        domain: { type: "string", id: 7 },
        overload: { type: "string", id: 8 },
        metadataProps: { rule: "repeated", type: "bytes", id: 9 },
        deviceConfigurations: { rule: "repeated", type: "bytes", id: 10 },
      },
    },
    AttributeProto: {
      fields: {
        name: { type: "string", id: 1 },
        i: { type: "int64", id: 3 },
        ints: { rule: "repeated", type: "int64", id: 8 },
        type: { type: "int32", id: 20 },
      },
    },
    TensorProto: {
      fields: {
        dims: { rule: "repeated", type: "int64", id: 1 },
        dataType: { type: "int32", id: 2 },
        int32Data: { rule: "repeated", type: "int32", id: 5 },
        name: { type: "string", id: 8 },
        rawData: { type: "bytes", id: 9 },
        externalData: { rule: "repeated", type: "StringStringEntryProto", id: 13 },
        dataLocation: { type: "int32", id: 14 },
      },
    },
    StringStringEntryProto: { fields: { key: { type: "string", id: 1 }, value: { type: "string", id: 2 } } },
    OperatorSetIdProto: { fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } } },
    ValueInfoProto: { fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 } } },
    TypeProto: { fields: { tensorType: { type: "TypeProtoTensor", id: 1 } } },
    TypeProtoTensor: { fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } } },
    TensorShapeProto: { fields: { dim: { rule: "repeated", type: "bytes", id: 1 } } },
  },
};
const root = protobuf.Root.fromJSON(DESCRIPTOR);
const NodeProto = root.lookupType("NodeProto");
const AttributeProto = root.lookupType("AttributeProto");
const TensorProto = root.lookupType("TensorProto");
const OperatorSetIdProto = root.lookupType("OperatorSetIdProto");
const ValueInfoProto = root.lookupType("ValueInfoProto");

interface Node {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  attribute: Uint8Array[];
  domain?: string;
}
interface Tensor {
  dims: (number | protobuf.Long)[];
  dataType: number;
  int32Data: number[];
  name: string;
  rawData: Uint8Array;
  externalData: { key: string; value: string }[];
  dataLocation: number;
}

const ELEM = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
const ATTR = { INT: 2, INTS: 7 } as const;
// Field numbers of ModelProto and GraphProto (onnx.proto).
const MODEL_OPSET_IMPORT = 8;
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_VALUE_INFO = 13;

/** Where row-wise copies go when the caller names no folder (and the weights are inside the graph file). */
export const DEFAULT_GRAPH_CACHE = join(tmpdir(), "inline-sentiment-graphs");

/** Why a graph was not rewritten (it then runs one text per call). */
export class NotRewritable extends Error {}

interface Field {
  id: number;
  /** The whole field, tag included, as it was in the file. */
  raw: Uint8Array;
  /** Contents of a length-delimited field. */
  body?: Uint8Array;
}

function fieldsOf(buffer: Uint8Array): Field[] {
  const reader = protobuf.Reader.create(buffer);
  const fields: Field[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    let body: Uint8Array | undefined;
    if (wire === 2) body = reader.bytes();
    else reader.skipType(wire);
    fields.push({ id, raw: buffer.subarray(start, reader.pos), body });
  }
  return fields;
}

function lengthDelimited(id: number, body: Uint8Array): Uint8Array {
  return protobuf.Writer.create()
    .uint32((id << 3) | 2)
    .bytes(body)
    .finish();
}

const intAttr = (name: string, i: number) => AttributeProto.encode({ name, i, type: ATTR.INT }).finish();
const intsAttr = (name: string, ints: number[]) => AttributeProto.encode({ name, ints, type: ATTR.INTS }).finish();

/** Reads a weight's values (int8/uint8/int32 elements), from the file or its external data. */
function tensorValues(tensor: Tensor, modelDir: string): Int32Array {
  let bytes: Uint8Array | undefined = tensor.rawData?.length ? tensor.rawData : undefined;
  if (tensor.dataLocation === 1) {
    const entry = (key: string) => tensor.externalData.find((e) => e.key === key)?.value;
    const location = entry("location");
    if (!location) throw new NotRewritable(`${tensor.name}: external data without a location`);
    const offset = Number(entry("offset") ?? 0);
    const length = Number(entry("length") ?? 0);
    const fd = openSync(join(modelDir, location), "r");
    try {
      bytes = new Uint8Array(length);
      readSync(fd, bytes, 0, length, offset);
    } finally {
      closeSync(fd);
    }
  }
  if (!bytes) return Int32Array.from(tensor.int32Data ?? []);
  if (tensor.dataType === ELEM.INT8) return Int32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (tensor.dataType === ELEM.UINT8) return Int32Array.from(bytes);
  throw new NotRewritable(`${tensor.name}: weights of element type ${tensor.dataType} are not int8 or uint8`);
}

function newTensor(name: string, dataType: number, dims: number[], raw: ArrayBufferView): Uint8Array {
  const rawData = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  return TensorProto.encode({ name, dataType, dims, rawData }).finish();
}

/** Rank of each value that value_info (or the graph inputs) states; the rewrite needs the rank of quantized values. */
function ranksOf(fields: Field[]): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const field of fields) {
    if ((field.id !== GRAPH_VALUE_INFO && field.id !== GRAPH_INPUT) || !field.body) continue;
    const info = ValueInfoProto.decode(field.body) as unknown as { name: string; type?: { tensorType?: { shape?: { dim: unknown[] } } } };
    const dims = info.type?.tensorType?.shape?.dim;
    if (dims) ranks.set(info.name, dims.length);
  }
  return ranks;
}

interface Rewritten {
  bytes: Uint8Array;
  /** Quantizers made row-wise. */
  rewritten: number;
  /** Whether weights live outside the file (they must then stay beside it). */
  external: boolean;
}

/** Rewrites a GraphProto's bytes. */
function rewriteGraph(graph: Uint8Array, modelDir: string, opset: number, weights: RowwiseWeights): Rewritten {
  const fields = fieldsOf(graph);
  const nodes: Node[] = [];
  const nodeOf = new Map<Field, Node>();
  const initializers = new Map<string, Tensor>();
  const initializerNames = new Map<Field, string>();
  for (const field of fields) {
    if (field.id === GRAPH_NODE && field.body) {
      const decoded = NodeProto.decode(field.body) as unknown as Node;
      nodes.push(decoded);
      nodeOf.set(field, decoded);
    }
    if (field.id === GRAPH_INITIALIZER && field.body) {
      const tensor = TensorProto.decode(field.body) as unknown as Tensor;
      initializers.set(tensor.name, tensor);
      initializerNames.set(field, tensor.name);
    }
  }
  const ranks = ranksOf(fields);
  if (ranks.get("attention_mask") !== 2) throw new NotRewritable("no 2-D attention_mask input");
  const consumers = new Map<string, Node[]>();
  for (const node of nodes) for (const name of node.input) consumers.set(name, [...(consumers.get(name) ?? []), node]);

  const quantizers = nodes.filter((n) => n.opType === "DynamicQuantizeLinear" && !n.domain);
  if (!quantizers.length) throw new NotRewritable("no DynamicQuantizeLinear");
  const added: Node[] = [];
  const addedTensors: Uint8Array[] = [];
  const replaced = new Set<Node>();
  const constant = (name: string, dataType: number, dims: number[], values: ArrayBufferView) => {
    addedTensors.push(newTensor(name, dataType, dims, values));
    return name;
  };
  const node = (opType: string, input: string[], output: string[], attribute: Uint8Array[] = []) => {
    added.push({ opType, input, output, name: output[0], attribute });
    return output[0];
  };
  const zeroF = constant("rowwise/zero_f", ELEM.FLOAT, [], new Float32Array([0]));
  const maxQ = constant("rowwise/255_f", ELEM.FLOAT, [], new Float32Array([255]));
  const flat = constant("rowwise/shape_flat", ELEM.INT64, [1], new BigInt64Array([-1n]));
  const axis2 = constant("rowwise/axes_2", ELEM.INT64, [1], new BigInt64Array([2n]));
  // attention_mask [B, S] as a float [B, S, 1] multiplier: padding positions contribute 0 to a row's range (which
  // always contains 0, as DynamicQuantizeLinear's does), so they cannot change it.
  const maskF = node("Cast", ["attention_mask"], ["rowwise/mask_f"], [intAttr("to", ELEM.FLOAT)]);
  const mask3 = node("Unsqueeze", [maskF, axis2], ["rowwise/mask_3d"]);

  /**
   * B of a MatMulInteger, with its column sums less the zero point. With weights "uint8", an int8 B is stored as uint8
   * (int8 + 128, zero point + 128): onnxruntime runs a uint8 x uint8 MatMulInteger exactly on every x64 CPU, while
   * uint8 x int8 saturates 16-bit sums on x64 CPUs without VNNI (session.x64quantprecision reaches only the fused
   * kernels this rewrite replaces). With weights "int8", B stays as it is (the u8s8 kernels: exact with VNNI and on
   * ARM, and faster there).
   */
  const unsigned = new Map<string, [{ name: string; columnSums: string }, string]>();
  const unsignedWeight = (w: string, wZeroPoint: string | undefined) => {
    const done = unsigned.get(w);
    if (done) return done;
    const weight = initializers.get(w);
    if (!weight || weight.dims.length !== 2) throw new NotRewritable(`${w}: B of MatMulInteger is not a 2-D weight`);
    const [k, n] = weight.dims.map(Number);
    const values = tensorValues(weight, modelDir);
    const zeroTensor = wZeroPoint ? initializers.get(wZeroPoint) : undefined;
    if (wZeroPoint && !zeroTensor) throw new NotRewritable(`${w}: its zero point is not a weight`);
    if (zeroTensor && zeroTensor.dataType !== weight.dataType) throw new NotRewritable(`${w}: zero point of another type`);
    const zeros = zeroTensor ? tensorValues(zeroTensor, modelDir) : new Int32Array([0]);
    if (zeros.length !== 1 && zeros.length !== n) throw new NotRewritable(`${w}: zero point of ${zeros.length} values`);
    const keep = weights === "int8" || weight.dataType === ELEM.UINT8;
    const shift = weight.dataType === ELEM.INT8 ? 128 : 0;
    const columnSums = new Int32Array(n);
    const shifted = keep ? undefined : new Uint8Array(values.length);
    for (let row = 0; row < k; row++) {
      for (let col = 0; col < n; col++) {
        const i = row * n + col;
        if (shifted) shifted[i] = values[i] + shift;
        columnSums[col] += values[i] - zeros[zeros.length === 1 ? 0 : col];
      }
    }
    const sums = constant(`${w}/rowwise_column_sums`, ELEM.INT32, [n], columnSums);
    // MatMulInteger needs a zero point for B here (A's zero point is the 4th input's neighbour): 0 of B's type.
    const keptZero = () => wZeroPoint ?? constant(`${w}/rowwise_zero_point`, weight.dataType, [], weight.dataType === ELEM.INT8 ? new Int8Array(1) : new Uint8Array(1));
    const result: [{ name: string; columnSums: string }, string] = shifted
      ? [
          { name: constant(`${w}/rowwise_u8`, ELEM.UINT8, [k, n], shifted), columnSums: sums },
          constant(`${w}/rowwise_u8_zero_point`, ELEM.UINT8, zeros.length === 1 ? [] : [n], Uint8Array.from(zeros, (z) => z + shift)),
        ]
      : [{ name: w, columnSums: sums }, keptZero()];
    unsigned.set(w, result);
    return result;
  };

  for (const quantizer of quantizers) {
    const [x] = quantizer.input;
    const [xq, xScale, xZeroPoint] = quantizer.output;
    const rank = ranks.get(x);
    if (rank !== 2 && rank !== 3) throw new NotRewritable(`${x}: rank ${rank ?? "unknown"}, expected 2 or 3`);
    const users = consumers.get(xZeroPoint) ?? [];
    const matmuls = consumers.get(xq) ?? [];
    if (!matmuls.length || matmuls.some((m) => m.opType !== "MatMulInteger" || m.input[0] !== xq || m.input[2] !== xZeroPoint)) {
      throw new NotRewritable(`${quantizer.name}: its output does not feed MatMulInteger as A`);
    }
    if (users.length !== matmuls.length) throw new NotRewritable(`${quantizer.name}: zero point used outside MatMulInteger`);
    const p = `${quantizer.name}/rowwise`;
    const axes = rank === 3 ? [1, 2] : [1];
    const masked = rank === 3 ? node("Mul", [x, mask3], [`${p}/masked`]) : x;
    // Opset 18 moved ReduceMin/ReduceMax's axes from an attribute to an input.
    const axesInput = opset >= 18 ? [constant(`${p}/axes`, ELEM.INT64, [axes.length], new BigInt64Array(axes.map(BigInt)))] : [];
    const axesAttribute = opset >= 18 ? [] : [intsAttr("axes", axes)];
    const reduce = (op: string, out: string) => node(op, [masked, ...axesInput], [out], [...axesAttribute, intAttr("keepdims", 1)]);
    const lo = node("Min", [reduce("ReduceMin", `${p}/min`), zeroF], [`${p}/lo`]);
    const hi = node("Max", [reduce("ReduceMax", `${p}/max`), zeroF], [`${p}/hi`]);
    const scale = node("Div", [node("Sub", [hi, lo], [`${p}/range`]), maxQ], [xScale]);
    const zeroPointF = node("Clip", [node("Round", [node("Neg", [node("Div", [lo, scale], [`${p}/lo_over_scale`])], [`${p}/zp_exact`])], [`${p}/zp_rounded`]), zeroF, maxQ], [`${p}/zp_f`]);
    const zeroPoint = node("Cast", [zeroPointF], [`${p}/zp_u8`], [intAttr("to", ELEM.UINT8)]);
    node(
      "QuantizeLinear",
      [x, node("Reshape", [scale, flat], [`${p}/scale_1d`]), node("Reshape", [zeroPoint, flat], [`${p}/zp_1d`])],
      [xq],
      [intAttr("axis", 0)],
    );
    const zeroPointI = node("Cast", [zeroPoint], [`${p}/zp_i32`], [intAttr("to", ELEM.INT32)]);
    constant(xZeroPoint, ELEM.UINT8, [], new Uint8Array([0]));
    for (const matmul of matmuls) {
      const [, w, , wZeroPoint] = matmul.input;
      const [weight, weightZero] = unsignedWeight(w, wZeroPoint);
      const [y] = matmul.output;
      const raw = `${y}/rowwise_raw`;
      replaced.add(matmul);
      added.push({ ...matmul, input: [xq, weight.name, xZeroPoint, weightZero], output: [raw] });
      node("Sub", [raw, node("Mul", [zeroPointI, weight.columnSums], [`${y}/rowwise_correction`])], [y]);
    }
    replaced.add(quantizer);
  }

  // Weights now unused (int8 ones replaced by their uint8 copies) are left out: the new file holds each weight once.
  const used = new Set([...nodes.filter((n) => !replaced.has(n)), ...added].flatMap((n) => n.input));
  const parts: Uint8Array[] = [];
  for (const field of fields) {
    const original = nodeOf.get(field);
    if (field.id === GRAPH_VALUE_INFO || (original && replaced.has(original))) continue;
    if (field.id === GRAPH_INITIALIZER && !used.has(initializerNames.get(field)!)) continue;
    parts.push(field.raw);
  }
  for (const tensor of addedTensors) parts.push(lengthDelimited(GRAPH_INITIALIZER, tensor));
  // Nodes may come in any order as long as the graph is acyclic: onnxruntime sorts them topologically.
  for (const n of added) parts.push(lengthDelimited(GRAPH_NODE, NodeProto.encode(n).finish()));
  const external = [...initializers.values()].some((t) => t.dataLocation === 1 && used.has(t.name));
  return { bytes: concat(parts), rewritten: quantizers.length, external };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** Rewrites a ModelProto (bytes of an .onnx file whose external data, if any, lies in modelDir). */
export function rewriteModel(model: Uint8Array, modelDir: string, weights: RowwiseWeights = "uint8"): Rewritten {
  const fields = fieldsOf(model);
  const opsets = fields.filter((f) => f.id === MODEL_OPSET_IMPORT && f.body).map((f) => OperatorSetIdProto.decode(f.body!) as unknown as { domain: string; version: number | protobuf.Long });
  const opset = Number(opsets.find((o) => !o.domain || o.domain === "ai.onnx")?.version ?? 0);
  if (opset < 13) throw new NotRewritable(`opset ${opset} (row-wise QuantizeLinear needs 13 or later)`);
  let graph: Rewritten | undefined;
  const parts = fields.map((field) => {
    if (field.id !== MODEL_GRAPH || !field.body) return field.raw;
    graph = rewriteGraph(field.body, modelDir, opset, weights);
    return lengthDelimited(MODEL_GRAPH, graph.bytes);
  });
  if (!graph) throw new NotRewritable("no graph");
  return { ...graph, bytes: concat(parts) };
}

/**
 * The row-wise copy of an int8 .onnx file: made once and kept, keyed by the source's path, size and time and by how
 * the weights are stored (`weights`, see RowwiseWeights; both kinds of copy may sit side by side). Weights stored
 * outside the file must stay beside the graph that names them, so such a copy is written next to the source; others
 * go to cacheDir. Throws NotRewritable (or a file system error) when no copy can be made.
 */
export function rowwiseModelFile(onnxFile: string, cacheDir: string, weights: RowwiseWeights = "uint8"): string {
  const stat = statSync(onnxFile);
  const key = createHash("sha256")
    .update(`${REWRITE_VERSION}\0${weights}\0${onnxFile}\0${stat.size}\0${stat.mtimeMs}`)
    .digest("hex")
    .slice(0, 16);
  const kind = weights === "int8" ? "i8" : "u8";
  const name = `${basename(onnxFile, ".onnx")}.rowwise-${kind}-${key}.onnx`;
  for (const dir of [cacheDir, dirname(onnxFile)]) if (existsSync(join(dir, name))) return join(dir, name);
  const { bytes: out, external } = rewriteModel(readFileSync(onnxFile), dirname(onnxFile), weights);
  const dir = external ? dirname(onnxFile) : cacheDir;
  const target = join(dir, name);
  mkdirSync(dir, { recursive: true });
  const temporary = `${target}.${randomUUID()}.tmp`;
  writeFileSync(temporary, out);
  renameSync(temporary, target);
  // Copies of an older rewrite or an older source (of this weight kind, or from before kinds were named) are not used
  // again.
  const stale = new RegExp(`^${basename(onnxFile, ".onnx").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.rowwise-(${kind}-)?[0-9a-f]{16}\\.onnx$`);
  for (const name of readdirSync(dir)) if (stale.test(name) && join(dir, name) !== target) rmSync(join(dir, name), { force: true });
  return target;
}

/**
 * A minimal valid ONNX model, written byte by byte (protobuf wire format): one Identity node from a float input
 * "pixels" to an output "scores". onnxruntime loads it; it is not a text classifier, which is what the engine must say.
 */
function varint(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return bytes;
}

const field = (number: number, wireType: number) => varint((number << 3) | wireType);
const int = (number: number, value: number) => [...field(number, 0), ...varint(value)];
const bytes = (number: number, payload: number[]) => [...field(number, 2), ...varint(payload.length), ...payload];
const text = (number: number, value: string) => bytes(number, [...Buffer.from(value, "utf8")]);

function tensorValue(name: string): number[] {
  const dimension = int(1, 1); // dim_value 1
  const shape = bytes(1, dimension); // TensorShapeProto.dim
  const tensor = [...int(1, 1), ...bytes(2, shape)]; // elem_type FLOAT, shape
  return [...text(1, name), ...bytes(2, bytes(1, tensor))]; // ValueInfoProto: name, type.tensor_type
}

export function identityModel(): Buffer {
  const node = [...text(1, "pixels"), ...text(2, "scores"), ...text(3, "copy"), ...text(4, "Identity")];
  const graph = [...bytes(1, node), ...text(2, "not-a-text-classifier"), ...bytes(11, tensorValue("pixels")), ...bytes(12, tensorValue("scores"))];
  const opset = [...text(1, ""), ...int(2, 13)];
  return Buffer.from([...int(1, 7), ...bytes(8, opset), ...bytes(7, graph)]);
}

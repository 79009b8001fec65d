/**
 * Consistent Overhead Byte Stuffing (Cheshire and Baker, 1999): removes every 0x00 from a frame
 * so 0x00 can delimit frames, at a cost of at most one byte per 254 plus one. Mirrors
 * resources/firmware/esp32-tflm/components/edgebench_protocol/src/framing.cpp.
 */
export function cobsEncode(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length + Math.floor(input.length / 254) + 1);
  let codeAt = 0;
  let write = 1;
  let code = 1;
  for (let i = 0; i < input.length; i += 1) {
    const byte = input[i] as number;
    if (byte === 0) {
      out[codeAt] = code;
      codeAt = write++;
      code = 1;
      continue;
    }
    out[write++] = byte;
    code += 1;
    if (code === 0xff) {
      out[codeAt] = code;
      // A full group at the very end needs no empty group after it (COBS's canonical form).
      if (i + 1 === input.length) return out.subarray(0, write);
      codeAt = write++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, write);
}

/** The decoded bytes, or null when `input` is not valid COBS (a zero inside, or a group running past the end). */
export function cobsDecode(input: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(input.length);
  let read = 0;
  let write = 0;
  while (read < input.length) {
    const code = input[read++] as number;
    if (code === 0) return null;
    for (let i = 1; i < code; i += 1) {
      if (read >= input.length || input[read] === 0) return null;
      out[write++] = input[read++] as number;
    }
    if (code !== 0xff && read < input.length) out[write++] = 0;
  }
  return out.subarray(0, write);
}

#!/usr/bin/env node
/**
 * Generates the ONNX protobuf codec (src/core/formats/onnx/generated/onnx_pb.ts) from onnx.proto
 * with protoc-gen-es (@bufbuild/protobuf v2), run by Debian's protoc (protobuf-compiler) on
 * Debian's onnx.proto (python3-onnx). `npm run gen:onnx` rewrites the committed file;
 * `node scripts/gen-onnx.mjs OUT_DIR` writes it elsewhere (the test compares the two).
 *
 * protoc first compiles the .proto to a descriptor set without source info, and the plugin reads
 * that: the generated file then carries the schema's facts (messages, fields, numbers) but none of
 * onnx.proto's comments.
 *
 * Enum-typed fields (AttributeProto.type, TensorProto.data_location) are generated as int32, which
 * is the same on the wire: onnx.proto is proto2, whose enums are closed, and protobuf-es drops a
 * closed enum's unknown value on parse (checked with 2.17: an AttributeProto.type of 15 vanished on
 * a round trip), so a model written by a newer ONNX would lose it. As int32 every value is kept.
 *
 * ONNX_PROTO=/path/to/onnx.proto overrides the schema (it must be a proto2 onnx.proto).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearField, fromBinary, toBinary } from '@bufbuild/protobuf';
import { FieldDescriptorProto_Type, FieldDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const proto = process.env.ONNX_PROTO ?? '/usr/lib/python3/dist-packages/onnx/onnx.proto';
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'src/core/formats/onnx/generated'));
const plugin = path.join(root, 'node_modules/.bin/protoc-gen-es');

function fail(message) {
  process.stderr.write(`gen:onnx: ${message}\n`);
  process.exit(2);
}

if (!existsSync(proto)) fail(`'${proto}' does not exist; install Debian's python3-onnx (apt-get install python3-onnx) or set ONNX_PROTO.`);
if (!existsSync(plugin)) fail(`'${plugin}' does not exist; run npm ci first.`);
try {
  execFileSync('protoc', ['--version'], { stdio: 'ignore' });
} catch {
  fail("protoc is not on the PATH; install Debian's protobuf-compiler (apt-get install protobuf-compiler).");
}

mkdirSync(outDir, { recursive: true });
/** The descriptor set with every enum-typed field turned into int32 (see the header). */
function openEnumFields(bytes) {
  const set = fromBinary(FileDescriptorSetSchema, bytes);
  const visit = (message) => {
    for (const field of message.field) {
      if (field.type === FieldDescriptorProto_Type.ENUM) {
        field.type = FieldDescriptorProto_Type.INT32;
        clearField(field, FieldDescriptorProtoSchema.field.typeName);
      }
    }
    message.nestedType.forEach(visit);
  };
  for (const file of set.file) file.messageType.forEach(visit);
  return toBinary(FileDescriptorSetSchema, set);
}

const work = mkdtempSync(path.join(tmpdir(), 'gen-onnx-'));
try {
  const descriptors = path.join(work, 'onnx.desc');
  execFileSync('protoc', [`-I${path.dirname(proto)}`, `--descriptor_set_out=${descriptors}`, path.basename(proto)], { stdio: 'inherit' });
  writeFileSync(descriptors, openEnumFields(readFileSync(descriptors)));
  execFileSync(
    'protoc',
    [`--descriptor_set_in=${descriptors}`, `--plugin=protoc-gen-es=${plugin}`, `--es_out=${outDir}`, '--es_opt=target=ts', path.basename(proto)],
    { stdio: 'inherit' },
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`${path.join(outDir, path.basename(proto, '.proto') + '_pb.ts')}\n`);

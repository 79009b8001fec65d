#!/usr/bin/env node
/**
 * Generates TFLite's table field ids and enum values (src/core/formats/tflite/generated/tflite_schema.ts)
 * from TensorFlow Lite's schema.fbs with flatc (Debian's flatbuffers-compiler), as Netron generates
 * its schema files with tools/flatc.js. `npm run gen:tflite` rewrites the committed file;
 * `node scripts/gen-tflite.mjs OUT_DIR` writes it elsewhere (the test compares the two).
 *
 * Why ids and not flatc's TypeScript (`flatc --ts`): its accessors read through flatbuffers'
 * ByteBuffer, which trusts the file (an offset past the end reads `undefined` as 0, a garbage vector
 * length is used as is, `shapeArray()` views unaligned bytes and throws RangeError), and it is 190
 * files for the whole schema. The studio reads hostile files, so it reads them with its bounds-checked
 * FlatReader (flat-reader.ts) and needs only where each field lives and what each enum value means.
 *
 * How: flatc compiles the schema to its reflection form (`flatc -b --schema`, a .bfbs), then decodes
 * that with FlatBuffers' own reflection.fbs into JSON (`flatc --json`). Every id and value below is
 * flatc's, not parsed here: a field's id is its vtable slot (a union takes two, its `_type` byte
 * first), in declaration order, deprecated fields included.
 *
 * The one change made to the schema before flatc reads it: flatc 2.0.8 takes an attribute list after a
 * table, a table field or a field type, but not after an enum value or a union member, and the
 * schema of tflite-micro 90b983c2 marks one of each `(deprecated)` (REDUCE_WINDOW = 205 and
 * ReduceWindowOptions). Those two attributes are removed from a temporary copy, nothing else; the
 * generated file marks the two names deprecated in comments. Values are unaffected: flatc numbers a
 * deprecated enum value like any other.
 *
 * It also writes TABLE_LAYOUTS (every table's fields: camelCase name, id, kind, referenced table or
 * enum, default, and force_align) and UNION_MEMBERS (union value → table), which drive the generic
 * decoder/encoder in tflite-model.ts: every table and every builtin options type round-trips
 * without hand-written code per table. force_align is read from the schema text (flatc's reflection
 * output drops attributes); everything else is flatc's.
 *
 * TFLITE_SCHEMA=/path/to/schema.fbs overrides the schema (scripts/schemas/tflite/schema.fbs).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = path.resolve(process.env.TFLITE_SCHEMA ?? path.join(root, 'scripts/schemas/tflite/schema.fbs'));
const reflectionSchema = path.join(root, 'scripts/schemas/flatbuffers/reflection.fbs');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'src/core/formats/tflite/generated'));
const OUT_FILE = 'tflite_schema.ts';
const NAMESPACE = 'tflite.';

function fail(message) {
  process.stderr.write(`gen:tflite: ${message}\n`);
  process.exit(2);
}

function flatc(args, cwd) {
  try {
    return execFileSync('flatc', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    if (error.code === 'ENOENT') fail("flatc is not on the PATH; install Debian's flatbuffers-compiler (apt-get install flatbuffers-compiler).");
    fail(`flatc ${args.join(' ')} failed: ${String(error.stderr || error.stdout || error.message).trim()}`);
  }
}

/**
 * Removes `(deprecated)` after enum values and union members, which flatc 2.0.8 cannot parse (see the
 * header). Returns the text flatc gets and the names whose attribute was removed.
 */
function withoutEnumValueAttributes(text) {
  const removed = [];
  let inEnum = false;
  const lines = text.split('\n').map((line) => {
    const code = line.replace(/\/\/.*$/, '');
    if (/^\s*(enum|union)\s/.test(code)) inEnum = true;
    if (!inEnum) return line;
    if (code.includes('}')) inEnum = false;
    const match = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)((?:\s*=\s*-?\w+)?)\s*\(deprecated\)/.exec(line);
    if (!match) return line;
    removed.push(match[2]);
    return line.replace(/\s*\(deprecated\)/, '');
  });
  return { text: lines.join('\n'), removed };
}

const SCALAR_NAMES = {
  Bool: 'bool', Byte: 'byte', UByte: 'ubyte', Short: 'short', UShort: 'ushort', Int: 'int', UInt: 'uint',
  Long: 'long', ULong: 'ulong', Float: 'float', Double: 'double', String: 'string',
};

const shortName = (name) => (name.startsWith(NAMESPACE) ? name.slice(NAMESPACE.length) : fail(`'${name}' is outside namespace tflite.`));
const camelCase = (name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const key = (name) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name));

/** The field's type as schema.fbs writes it, for the comment beside its id. */
function typeText(type, schema) {
  const named = (baseType, index) => {
    if (baseType === 'Obj') return shortName(schema.objects[index].name);
    if (index >= 0 && baseType !== 'Vector') return shortName(schema.enums[index].name);
    return SCALAR_NAMES[baseType] ?? baseType;
  };
  switch (type.base_type) {
    case 'Vector':
      return `[${named(type.element, type.index)}]`;
    case 'Union':
      return `union ${shortName(schema.enums[type.index].name)}`;
    case 'UType':
      return `${shortName(schema.enums[type.index].name)} type`;
    default:
      return named(type.base_type, type.index);
  }
}

function defaultText(field) {
  if (!SCALAR_NAMES[field.type.base_type] || field.type.base_type === 'String') return '';
  const value = field.type.base_type === 'Float' || field.type.base_type === 'Double' ? field.default_real : field.default_integer;
  if (value === 0) return '';
  return ` = ${field.type.base_type === 'Bool' ? 'true' : value}`;
}

/** `(force_align: N)` per `Table.field`, from the schema text (reflection drops attributes). */
function forceAligns(text) {
  const aligns = new Map();
  let table = null;
  for (const line of text.split('\n')) {
    const code = line.replace(/\/\/.*$/, '');
    const open = /^\s*table\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(code);
    if (open) table = open[1];
    const align = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:[^;]*\(\s*force_align\s*:\s*(\d+)\s*\)/.exec(code);
    if (table && align) aligns.set(`${table}.${align[1]}`, Number(align[2]));
    if (code.includes('}')) table = null;
  }
  return aligns;
}

const LAYOUT_SCALARS = {
  Bool: 'bool', Byte: 'byte', UByte: 'ubyte', Short: 'short', UShort: 'ushort', Int: 'int', UInt: 'uint',
  Long: 'long', ULong: 'ulong', Float: 'float', Double: 'double', UType: 'utype',
};

/** One field's layout entry: [name, id, kind, ref, default, align]. */
function layoutEntry(objectName, field, schema, aligns) {
  const type = field.type;
  let kind;
  let ref = '';
  const element = (baseType, index) => {
    if (baseType === 'Obj') {
      ref = shortName(schema.objects[index].name);
      return 'table';
    }
    if (baseType === 'String') return 'string';
    if (index >= 0) ref = shortName(schema.enums[index].name);
    return LAYOUT_SCALARS[baseType] ?? fail(`${objectName}.${field.name} has type ${baseType}, which the layout does not cover.`);
  };
  if (type.base_type === 'Vector') kind = `[${element(type.element, type.index)}]`;
  else if (type.base_type === 'Union') {
    kind = 'union';
    ref = shortName(schema.enums[type.index].name);
  } else kind = element(type.base_type, type.index);
  const isFloat = type.base_type === 'Float' || type.base_type === 'Double';
  const fallback = isFloat ? field.default_real : field.default_integer;
  const align = aligns.get(`${objectName}.${field.name}`) ?? 0;
  return `[${JSON.stringify(camelCase(field.name))}, ${field.id}, '${kind}', ${JSON.stringify(ref)}, ${fallback}, ${align}]`;
}

function generateLayouts(schema, aligns) {
  const out = [
    '',
    '/** A field of a table: [camelCase name, id, kind, referenced table/enum/union ("" if none), default, force_align (0 if none)]. */',
    'export type FieldLayout = readonly [name: string, id: number, kind: string, ref: string, fallback: number, align: number];',
    '',
    '/** Every table\'s fields, deprecated ones left out (flatc skips them too). Kinds: scalars, utype, string, table, union, [element]. */',
    'export const TABLE_LAYOUTS: Readonly<Record<string, readonly FieldLayout[]>> = {',
  ];
  for (const object of schema.objects) {
    const name = shortName(object.name);
    const fields = [...object.fields].sort((a, b) => a.id - b.id).filter((field) => !field.deprecated);
    out.push(`  ${key(name)}: [${fields.map((field) => layoutEntry(name, field, schema, aligns)).join(', ')}],`);
  }
  out.push('};', '', '/** Each union\'s members: `_type` value → table name. */', 'export const UNION_MEMBERS: Readonly<Record<string, Readonly<Record<number, string>>>> = {');
  for (const enumeration of schema.enums.filter((e) => e.is_union)) {
    const members = enumeration.values
      .filter((value) => value.union_type && value.union_type.base_type === 'Obj')
      .map((value) => `${value.value}: ${JSON.stringify(shortName(schema.objects[value.union_type.index].name))}`);
    out.push(`  ${key(shortName(enumeration.name))}: { ${members.join(', ')} },`);
  }
  out.push('};');
  return out;
}

function generate(schema, deprecatedNames, aligns) {
  const out = [
    '// Generated by scripts/gen-tflite.mjs (npm run gen:tflite) from scripts/schemas/tflite/schema.fbs,',
    "// TensorFlow Lite's schema (Copyright 2017 The TensorFlow Authors, Apache License 2.0; see",
    '// scripts/schemas/NOTICE), through flatc\'s reflection output. Regenerated, never edited.',
    '//',
    '// <Table>Field: each field\'s id, the index FlatReader and flatbuffers.Builder take (vtable slot',
    '// 4 + 2 * id); a union is two fields, its `_type` byte then its value. Enums and unions: name → value.',
    '',
    `/** The file identifier at bytes 4..8 of every TFLite model. */`,
    `export const FILE_IDENTIFIER = '${schema.file_ident}';`,
  ];
  const names = new Set();
  const declare = (name) => {
    if (names.has(name)) fail(`two declarations would be named ${name}.`);
    names.add(name);
  };
  for (const object of schema.objects) {
    if (object.is_struct) fail(`${object.name} is a struct, which this generator does not lay out.`);
    if (object.fields.length === 0) continue;
    const name = `${shortName(object.name)}Field`;
    declare(name);
    const fields = [...object.fields].sort((a, b) => a.id - b.id);
    fields.forEach((field, index) => {
      if (field.id !== index) fail(`${object.name}.${field.name} has id ${field.id}, expected ${index}: the ids have a gap.`);
    });
    const seen = new Set();
    out.push('', `/** table ${shortName(object.name)} */`, `export const ${name} = {`);
    for (const field of fields) {
      const fieldKey = camelCase(field.name);
      if (seen.has(fieldKey)) fail(`${object.name} has two fields named ${fieldKey} in camelCase.`);
      seen.add(fieldKey);
      const notes = [typeText(field.type, schema) + defaultText(field), field.deprecated ? 'deprecated' : ''].filter(Boolean).join(', ');
      out.push(`  ${key(fieldKey)}: ${field.id}, // ${field.name}: ${notes}`);
    }
    out.push('} as const;');
  }
  for (const enumeration of schema.enums) {
    const name = shortName(enumeration.name);
    declare(name);
    const what = enumeration.is_union ? `union ${name} (values of its \`_type\` field)` : `enum ${name} : ${SCALAR_NAMES[enumeration.underlying_type.base_type]}`;
    out.push('', `/** ${what} */`, `export const ${name} = {`);
    for (const value of enumeration.values) {
      const deprecated = deprecatedNames.has(value.name) ? ' // deprecated' : '';
      out.push(`  ${key(value.name)}: ${value.value},${deprecated}`);
    }
    out.push('} as const;');
  }
  out.push(...generateLayouts(schema, aligns));
  return `${out.join('\n')}\n`;
}

if (!existsSync(schemaPath)) fail(`'${schemaPath}' does not exist; it ships in the repository (scripts/schemas/tflite/schema.fbs), or set TFLITE_SCHEMA.`);
if (!existsSync(reflectionSchema)) fail(`'${reflectionSchema}' does not exist; it ships in the repository.`);
flatc(['--version']);

const { text, removed } = withoutEnumValueAttributes(readFileSync(schemaPath, 'utf8'));
const work = mkdtempSync(path.join(tmpdir(), 'gen-tflite-'));
let schema;
try {
  writeFileSync(path.join(work, 'schema.fbs'), text);
  flatc(['-b', '--schema', '-o', work, 'schema.fbs'], work);
  flatc(['--json', '--strict-json', '--defaults-json', '-o', work, reflectionSchema, '--', path.join(work, 'schema.bfbs')], work);
  schema = JSON.parse(readFileSync(path.join(work, 'schema.json'), 'utf8'));
} finally {
  rmSync(work, { recursive: true, force: true });
}
const source = generate(schema, new Set(removed), forceAligns(text));
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, OUT_FILE), source);
process.stdout.write(`${path.join(outDir, OUT_FILE)}${removed.length > 0 ? ` (schema.fbs with (deprecated) removed from ${removed.join(', ')} for flatc)` : ''}\n`);

/**
 * Checks the studio's reimplementation of TensorFlow Lite Micro's GreedyMemoryPlanner
 * (src/core/targets/serial/tflm-memory-planner.ts) against TFLM's own C++ code, compiled here with
 * g++: every buffer's offset and the peak, on the buffers the studio plans for each TFLite row of
 * the real-model table (test/models/tflite.json) and on seeded random buffer sets with offline
 * offsets. Prints each row's peak beside the table's tflmArenaAtLeast. Needs g++ and a checkout of
 * tensorflow/tflite-micro (the table's figures came from commit 90b983c2); nothing is downloaded.
 *
 *   npx tsx scripts/check-tflm-planner.ts /path/to/tflite-micro [--random 3000]
 *
 * Only greedy_memory_planner.{h,cc}, micro_memory_planner.h and compatibility.h come from the
 * checkout; the two headers they need for logging and status codes are stubbed below.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FlatReader } from '../src/core/formats/tflite/flat-reader';
import { tflmAllocations } from '../src/core/targets/serial/tflm-allocations';
import { planGreedy, type PlannerBuffer } from '../src/core/targets/serial/tflm-memory-planner';
import { loadTable, modelPath } from '../test/real-models/table';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { random: { type: 'string', default: '3000' } } });
const checkout = positionals[0];
if (!checkout) {
  console.error('Usage: npx tsx scripts/check-tflm-planner.ts /path/to/tflite-micro [--random N]');
  process.exit(2);
}

const FROM_CHECKOUT = [
  'tensorflow/lite/micro/memory_planner/greedy_memory_planner.cc',
  'tensorflow/lite/micro/memory_planner/greedy_memory_planner.h',
  'tensorflow/lite/micro/memory_planner/micro_memory_planner.h',
  'tensorflow/lite/micro/compatibility.h',
];
const STUBS: Record<string, string> = {
  'tensorflow/lite/c/common.h': '#pragma once\n#include <cstddef>\ntypedef enum { kTfLiteOk = 0, kTfLiteError = 1 } TfLiteStatus;\n',
  'tensorflow/lite/micro/micro_log.h': '#pragma once\n#include <cstdio>\n#define MicroPrintf(...) (std::fprintf(stderr, __VA_ARGS__), std::fputc(\'\\n\', stderr))\n',
};
// Reads "size first last offline" per line (offline -1: the planner chooses); prints each offset, then the peak.
const HARNESS = `#include <cstdio>
#include <vector>
#include "tensorflow/lite/micro/memory_planner/greedy_memory_planner.h"
int main() {
  std::vector<unsigned char> scratch(64 << 20);
  tflite::GreedyMemoryPlanner planner;
  planner.Init(scratch.data(), static_cast<int>(scratch.size()));
  int size, first, last, offline;
  while (std::scanf("%d %d %d %d", &size, &first, &last, &offline) == 4) {
    if (offline < 0) planner.AddBuffer(size, first, last); else planner.AddBuffer(size, first, last, offline);
  }
  for (int i = 0; i < planner.GetBufferCount(); ++i) { int offset = -1; planner.GetOffsetForBuffer(i, &offset); std::printf("%d\\n", offset); }
  std::printf("%zu\\n", planner.GetMaximumMemorySize());
}
`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-tflm-planner-'));
try {
  for (const file of FROM_CHECKOUT) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(checkout, file), path.join(dir, file));
  }
  for (const [file, text] of Object.entries(STUBS)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  writeFileSync(path.join(dir, 'harness.cc'), HARNESS);
  const binary = path.join(dir, 'harness');
  execFileSync('g++', ['-O2', '-std=c++17', `-I${dir}`, path.join(dir, 'harness.cc'), path.join(dir, FROM_CHECKOUT[0] as string), '-o', binary], { stdio: 'inherit' });

  const tflm = (buffers: readonly PlannerBuffer[]): { offsets: number[]; peakBytes: number } => {
    const input = buffers.map((b) => `${b.sizeBytes} ${b.firstUsed} ${b.lastUsed} ${b.offlineOffsetBytes ?? -1}`).join('\n');
    const lines = execFileSync(binary, { input, maxBuffer: 1 << 26 }).toString().trim().split('\n').map(Number);
    const peakBytes = lines.pop() ?? Number.NaN;
    return { offsets: lines, peakBytes };
  };
  let mismatches = 0;
  const compare = (label: string, buffers: readonly PlannerBuffer[]): number => {
    const ours = planGreedy(buffers);
    const theirs = tflm(buffers);
    const same = ours.peakBytes === theirs.peakBytes && ours.offsets.every((offset, i) => offset === theirs.offsets[i]);
    if (!same) {
      mismatches += 1;
      console.log(`MISMATCH ${label}: studio peak ${ours.peakBytes}, TFLM ${theirs.peakBytes}`);
    }
    return theirs.peakBytes;
  };

  for (const row of loadTable('tflite')) {
    if (row.format !== 'tflite') continue;
    const bytes = new Uint8Array(readFileSync(modelPath(row)));
    const fb = new FlatReader(bytes, row.id, 'TFLite model');
    const { planned } = tflmAllocations(fb, fb.root(), row.id);
    const peak = compare(row.id, planned);
    console.log(`${row.id.padEnd(44)} ${String(planned.length).padStart(4)} buffers  TFLM plan ${String(peak).padStart(9)}  table ${String(row.fit.tflmArenaAtLeast).padStart(9)}`);
  }

  // Seeded random sets: small sizes and lifetimes so that ties, gaps and offline offsets meet often.
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const trials = Number(values.random);
  for (let trial = 0; trial < trials; trial += 1) {
    const buffers = Array.from({ length: 1 + random(40) }, (): PlannerBuffer => {
      const firstUsed = random(20) - 1;
      return { sizeBytes: 16 * random(8), firstUsed, lastUsed: firstUsed + random(6), offlineOffsetBytes: random(10) === 0 ? 16 * random(20) : null };
    });
    compare(`random set ${trial}`, buffers);
  }
  console.log(mismatches === 0 ? `The studio's planner placed every buffer where TFLM's did (${trials} random sets besides the table's models).` : `${mismatches} mismatch(es).`);
  process.exitCode = mismatches === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

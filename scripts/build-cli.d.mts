// Types of scripts/build-cli.mjs, for the TypeScript that imports it (vitest's globalSetup, bench scripts).
export const CLI_OUT_DIR: string;
export const CLI_ENTRIES: Record<'edgebench' | 'runner' | 'worker' | 'pty-board' | 'simulator', string>;
export interface CliBuildOptions {
  outDir?: string;
  log?: (line: string) => void;
}
export function buildCli(options?: CliBuildOptions): Promise<{ outDir: string; files: string[]; ms: number }>;
export function cliBuildIsFresh(outDir?: string): boolean;
export function ensureCliBuild(options?: CliBuildOptions): Promise<boolean>;

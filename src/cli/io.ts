/** Where a command writes: stdout carries results (only JSON under --json), stderr everything else. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal, so a progress bar may redraw one line. */
  stderrIsTty: boolean;
  signal: AbortSignal;
}

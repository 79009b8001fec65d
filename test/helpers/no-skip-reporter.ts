/**
 * Under CI=true no test may skip: a skipped test is a tool or package the CI machine lacks (or a
 * test switched off and forgotten), and it would pass unseen. This reporter fails the run and
 * names each skipped test. The one exception is the Electron smoke test, which needs an Electron
 * binary that cannot be downloaded on these machines (ENVIRONMENT.md).
 */
import path from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/** Test files that may skip under CI, with why. */
const MAY_SKIP: Record<string, string> = {
  'test/e2e/electron-smoke.test.ts': 'needs an Electron binary, which cannot be downloaded here',
};

export default class NoSkipReporter implements Reporter {
  private root = process.cwd();
  private filtered = false;

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    // A name filter (-t) skips the rest on purpose (and under CI vitest refuses .only).
    this.filtered = Boolean(vitest.config.testNamePattern);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (process.env.CI !== 'true' || this.filtered) return;
    const offenders: string[] = [];
    for (const module of testModules) {
      const file = path.relative(this.root, module.moduleId).split(path.sep).join('/');
      if (file in MAY_SKIP) continue;
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'skipped') offenders.push(`${file} > ${test.fullName}`);
      }
    }
    if (offenders.length === 0) return;
    process.stderr.write(
      `\nUnder CI=true no test may skip, but ${offenders.length} did (install what they need in .ci/run, or make them fail with the missing tool's name):\n` +
        offenders.map((name) => `  - ${name}\n`).join(''),
    );
    process.exitCode = 1;
  }
}

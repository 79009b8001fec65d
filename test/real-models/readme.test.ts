import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/run-cli';
import { realModelsMarkdown } from './readme-table';

describe('README', () => {
  it('lists exactly the real models of test/models (npm run -s models:table prints the list)', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme.includes(`${realModelsMarkdown()}\n`), 'README.md should contain the output of `npm run -s models:table`, unchanged').toBe(true);
  });
});

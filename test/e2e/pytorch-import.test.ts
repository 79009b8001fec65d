/**
 * PyTorch in, from the studio's page: a .py file with an nn.Module picked with "Import model…"
 * opens the PyTorch import dialog; without input sizes the export is refused in the dialog's own
 * words (its Input sizes field, not the CLI's flag) and the dialog stays open to fix it; with them,
 * Debian's python3-torch exports it (the studio finds the interpreter that has torch), the
 * exporter's log and the parity against torch are shown, and "Open model" opens the ONNX model.
 * Takes docs/pytorch-import.png on request (UPDATE_SCREENSHOT=1) or when it is missing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const SCREENSHOT = path.join(REPO_ROOT, 'docs/pytorch-import.png');
const NET_PY = `
import torch
class DigitNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.fc = torch.nn.Linear(8, 10)
    def forward(self, x):
        print("DigitNet.forward ran")
        return torch.softmax(self.fc(torch.relu(self.conv(x)).mean(dim=(2, 3))), dim=1)
`;

const studio = useStudioSession();

describe('importing a PyTorch model from the page', () => {
  it('asks for the input sizes, exports with the Python that has torch, shows the log and the parity, and opens the model', async () => {
    const { page } = studio;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-input').setInputFiles({ name: 'digit_net.py', mimeType: 'text/x-python', buffer: Buffer.from(NET_PY) });
    const dialog = page.getByTestId('pytorch-dialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').textContent()).toContain('digit_net.py');

    // No sizes, no example_inputs(): refused in the dialog's words, and the dialog stays to fix it.
    await page.getByTestId('pytorch-submit').click();
    const error = page.getByTestId('pytorch-error');
    await error.waitFor({ timeout: 120_000 });
    expect(await error.textContent()).toMatch(/fill in the Input sizes field/);
    expect(await error.textContent()).not.toMatch(/--input-shape/);

    await page.getByTestId('pytorch-sizes').fill('1,1,28,28');
    await page.getByTestId('pytorch-submit').click();
    const summary = page.getByTestId('pytorch-summary');
    await summary.waitFor({ timeout: 120_000 });
    const text = (await summary.textContent()) ?? '';
    expect(text).toMatch(/exported by \/usr\/bin\/python3 with torch \d/); // PATH's python3 here has no torch: passed over
    expect(text).toMatch(/Input sizes from the Input sizes field: input_0 1×1×28×28/);
    expect(await page.getByTestId('pytorch-parity').textContent()).toMatch(/same seeded inputs: agree/);
    expect(await page.getByTestId('pytorch-log').textContent()).toContain('DigitNet.forward ran');

    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(SCREENSHOT)) {
      await dialog.screenshot({ path: SCREENSHOT });
    }

    await page.getByTestId('pytorch-open').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('model-inspect').textContent()).toContain('digit_net');
    expect(await page.getByTestId('model-row').filter({ hasText: 'digit_net' }).textContent()).toContain('onnx');
    expect(studio.errors).toEqual([]);
  }, 240_000);
});

/**
 * Phrases: words a front-end says its own way around a remedy ("Pass" in the CLI, "Set" in the
 * studio), and placeholders ("input=DIMS") that the studio words as the place to set them.
 */
import { describe, expect, test } from 'vitest';
import { ErrorData, StudioError } from '../../../src/shared/errors';
import { assign, joinWorded, messageFor, remedy, say, worded } from '../../../src/shared/remedies';

describe('phrases beside remedies', () => {
  test('a phrase is the CLI’s words in the CLI and reports, the UI’s in the studio', () => {
    const message = worded`${say('Pass', 'Set')} ${assign('runs', '10')} or more.`;
    expect(message.message).toBe('Pass --runs 10 or more.');
    expect(messageFor(message, 'report')).toBe('Pass --runs 10 or more.');
    expect(messageFor(message, 'ui')).toBe('Set the Runs field to 10 or more.');
  });

  test('a worded part keeps its phrases when it is quoted into another message, after the phrases already there', () => {
    const inner = worded`${say('drop', 'clear')} ${remedy('maxTimeMs')}`;
    const outer = worded`${say('Use', 'Choose')} ${remedy('mode', 'quick')}, or ${inner}.`;
    expect(outer.message).toBe('Use --mode quick, or drop --max-time.');
    expect(messageFor(outer, 'ui')).toBe('Choose the Mode field set to quick, or clear the Max time (ms) field.');
    expect(outer.wording.phrases).toHaveLength(2);
  });

  test('a joined list takes a separator each front-end says its way', () => {
    const sizes = joinWorded([remedy('shape', 'a=1x3'), remedy('shape', 'b=1x8')], say(' ', ', '));
    expect(sizes.message).toBe('--shape a=1x3 --shape b=1x8');
    expect(messageFor(sizes, 'ui')).toBe('a = 1x3, b = 1x8');
  });

  test('phrases and remedies survive the trip through error data, as over IPC or a WebSocket', () => {
    const error = new StudioError('BAD_INPUT', worded`${say('Drop', 'Turn off')} ${remedy('freshInputs')}.`);
    const back = StudioError.fromData(ErrorData.parse(JSON.parse(JSON.stringify(error.toData()))));
    expect(back.message).toBe('Drop --fresh-inputs.');
    expect(messageFor(back.toData(), 'ui')).toBe('Turn off the Fresh random input checkbox.');
  });

  test('a placeholder size names where to set it in the studio; a real size is quoted', () => {
    for (const placeholder of ['NAME=DIMS', 'input=DIMS', 'x=1x...', 'sr=N']) {
      expect(messageFor(worded`give one with ${remedy('shape', placeholder)}`, 'ui')).toBe('give one with Input sizes on the Models page');
    }
    expect(messageFor(worded`e.g. ${remedy('shape', 'x=1x3x224x224')}`, 'ui')).toBe('e.g. x = 1x3x224x224');
  });
});

describe('messages the studio shows from the engine', () => {
  test('a missing serial port points to the Devices page in the studio and to devices list in the CLI', async () => {
    const { openError } = await import('../../../src/core/targets/serial/transport/port-errors');
    const error = openError('/dev/ttyUSB9', 115200, new Error('Error: No such file or directory, cannot open /dev/ttyUSB9'), 'linux');
    expect(error.message).toContain("('edgebench devices list' shows the ports this computer sees)");
    const ui = messageFor(error.toData(), 'ui');
    expect(ui).toContain('(the Devices page shows the ports this computer sees)');
    expect(ui).not.toMatch(/--[a-z]|edgebench/);
  });
});

describe('a PDF that cannot be printed', () => {
  test('says to choose HTML in the Export dialog in the studio, and --format html in the CLI', async () => {
    const { findChromium } = await import('../../../src/core/reports/chromium-pdf');
    let error: unknown;
    try {
      findChromium({ EDGEBENCH_CHROMIUM: '/nonexistent/chromium' });
    } catch (caught) {
      error = caught;
    }
    if (!(error instanceof StudioError)) throw new Error('findChromium should refuse a path that does not exist');
    expect(error.message).toBe("EDGEBENCH_CHROMIUM points to '/nonexistent/chromium', which does not exist; fix the path, or use --format html.");
    expect(messageFor(error.toData(), 'ui')).toBe("EDGEBENCH_CHROMIUM points to '/nonexistent/chromium', which does not exist; fix the path, or choose HTML in the Export dialog.");
  });
});

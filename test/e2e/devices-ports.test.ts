/**
 * The Devices page's port list in a real Chromium against browser mode, on this machine's real
 * ports: it ends in one state, the table or the empty state (never an error beside "Looking for
 * serial ports…", as when the lister needed udevadm), showing every port Linux's sysfs lists.
 * No sleeps: every wait is for a selector.
 */
import { describe, expect, it } from 'vitest';
import { listSerialDevices } from '../../src/core/targets/serial/discovery/list-ports';
import { listSysfsSerialPorts } from '../../src/core/targets/serial/discovery/sysfs-ports';
import { useStudioSession } from './helpers/studio-session';

const studio = useStudioSession();

describe('Devices page: ports on this computer', () => {
  it('lists the ports the OS has (read from sysfs where there is no udevadm), in one state only', async () => {
    await studio.page.getByTestId('nav-devices').click();
    const card = studio.page.getByTestId('device-ports');
    await card.getByTestId('ports-table').or(card.getByTestId('ports-empty')).or(card.getByTestId('ports-error')).waitFor();
    expect(await card.getByTestId('ports-error').count()).toBe(0);
    expect(await card.getByTestId('ports-looking').count()).toBe(0);
    expect(await card.getByTestId('ports-refresh').textContent()).toBe('Refresh');

    const expected = (await listSerialDevices()).map((device) => device.path);
    if (process.platform === 'linux') {
      // The same ports the sysfs reader sees, whichever lister the server used.
      expect(expected).toEqual((await listSysfsSerialPorts()).map((port) => port.path).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    }
    if (expected.length === 0) {
      expect(await card.getByTestId('ports-empty').textContent()).toContain('Plug a board in with a data cable');
    } else {
      expect(await card.getByTestId('port-row').locator('td:first-child code').allTextContents()).toEqual(expected);
    }
  });

  it('Refresh looks again and lands in the same single state', async () => {
    const card = studio.page.getByTestId('device-ports');
    await card.getByTestId('ports-refresh').click();
    await card.locator('[data-testid="ports-refresh"]:has-text("Refresh")').waitFor();
    expect(await card.getByTestId('ports-error').count()).toBe(0);
    expect(await card.getByTestId('ports-looking').count()).toBe(0);
    expect(await card.getByTestId('ports-table').or(card.getByTestId('ports-empty')).count()).toBe(1);
    expect(studio.errors).toEqual([]);
  });
});

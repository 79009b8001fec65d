/** The desktop menu as data: no DevTools entry in a packaged app, the page shortcuts in every build. */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate, type PageName } from '../../../src/main/menu-template';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

const navigated: PageName[] = [];
const actions = { navigate: (page: PageName) => navigated.push(page), openWorkspace: () => undefined };

describe('the desktop menu', () => {
  it.each([true, false])('has no "Toggle Developer Tools" when packaged (macOS: %s)', (isMac) => {
    const packaged = flatten(menuTemplate(actions, { isMac, packaged: true }));
    expect(packaged.filter((item) => item.role?.toLowerCase() === 'toggledevtools')).toEqual([]);
    expect(packaged.some((item) => /devtools|developer/i.test(`${item.label ?? ''} ${item.role ?? ''}`))).toBe(false);
    const development = flatten(menuTemplate(actions, { isMac, packaged: false }));
    expect(development.filter((item) => item.role === 'toggleDevTools')).toHaveLength(1);
  });

  it('keeps the page shortcuts and Reload in the packaged menu', () => {
    const items = flatten(menuTemplate(actions, { isMac: false, packaged: true }));
    const pages = items.filter((item) => item.accelerator?.startsWith('CmdOrCtrl+') && item.label !== 'Open Workspace…');
    expect(pages.map((item) => [item.label, item.accelerator])).toEqual([
      ['Home', 'CmdOrCtrl+Shift+H'],
      ['Models', 'CmdOrCtrl+1'],
      ['Targets', 'CmdOrCtrl+2'],
      ['Runs', 'CmdOrCtrl+3'],
      ['Compare', 'CmdOrCtrl+4'],
      ['Datasets', 'CmdOrCtrl+5'],
      ['Accuracy', 'CmdOrCtrl+6'],
      ['Devices', 'CmdOrCtrl+7'],
    ]);
    for (const item of pages) (item.click as () => void)();
    expect(navigated).toEqual(['home', 'models', 'targets', 'runs', 'compare', 'datasets', 'accuracy', 'devices']);
    expect(items.some((item) => item.role === 'reload')).toBe(true);
  });
});

import { Menu, type MenuItemConstructorOptions } from 'electron';

import type { EventPayload } from '../shared/contract';

export type PageName = EventPayload<'ui.navigate'>['page'];

export interface MenuActions {
  navigate(page: PageName): void;
  openWorkspace(): void;
}

export function buildMenu(actions: MenuActions): Menu {
  const isMac = process.platform === 'darwin';
  const page = (label: string, name: PageName, key: string): MenuItemConstructorOptions => ({
    label,
    accelerator: `CmdOrCtrl+${key}`,
    click: () => actions.navigate(name),
  });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openWorkspace() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        page('Models', 'models', '1'),
        page('Targets', 'targets', '2'),
        page('Runs', 'runs', '3'),
        page('Compare', 'compare', '4'),
        page('Datasets', 'datasets', '5'),
        page('Accuracy', 'accuracy', '6'),
        page('Devices', 'devices', '7'),
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

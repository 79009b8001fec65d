/**
 * The desktop menu as data, so its contents are tested without Electron. A packaged app has no
 * "Toggle Developer Tools": DevTools would hand whoever sits at the machine a console inside the
 * page, with the IPC bridge in reach. Development builds keep it.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { EventPayload } from '../shared/contract';

export type PageName = EventPayload<'ui.navigate'>['page'];

export interface MenuActions {
  navigate(page: PageName): void;
  openWorkspace(): void;
}

export interface MenuOptions {
  isMac: boolean;
  /** app.isPackaged: a production build (no DevTools entry). */
  packaged: boolean;
}

export function menuTemplate(actions: MenuActions, { isMac, packaged }: MenuOptions): MenuItemConstructorOptions[] {
  const page = (label: string, name: PageName, key: string): MenuItemConstructorOptions => ({
    label,
    accelerator: `CmdOrCtrl+${key}`,
    click: () => actions.navigate(name),
  });
  return [
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
        page('Home', 'home', 'Shift+H'),
        page('Models', 'models', '1'),
        page('Targets', 'targets', '2'),
        page('Runs', 'runs', '3'),
        page('Compare', 'compare', '4'),
        page('Datasets', 'datasets', '5'),
        page('Accuracy', 'accuracy', '6'),
        page('Devices', 'devices', '7'),
        { type: 'separator' },
        { role: 'reload' },
        ...(packaged ? [] : [{ role: 'toggleDevTools' } as const]),
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
}

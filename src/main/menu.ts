import { app, Menu } from 'electron';
import { menuTemplate, type MenuActions } from './menu-template';

export type { MenuActions, PageName } from './menu-template';

export function buildMenu(actions: MenuActions): Menu {
  return Menu.buildFromTemplate(menuTemplate(actions, { isMac: process.platform === 'darwin', packaged: app.isPackaged }));
}

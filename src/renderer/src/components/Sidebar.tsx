import { NUMBERED_PAGES, PAGE_LABELS, type Page } from '../hooks/usePage';
import { useTheme } from '../hooks/useTheme';
import { comboText, currentFrontEnd, pageKeys } from '../page-keys';

interface Props {
  /** The page whose entry is lit (null on a page of none, such as a diff). */
  page: Page | null;
  onPage: (page: Page) => void;
  workspacePath: string | null;
  counts: Record<Exclude<Page, 'home'>, number>;
  benchRunning: boolean;
  onShortcuts: () => void;
}

// Home first, then the numbered pages in the order of their keys; each tooltip names this front-end's keys.
const ITEMS: Array<{ page: Page; label: string; key: string }> = [
  { page: 'home' as Page, label: PAGE_LABELS.home },
  ...NUMBERED_PAGES.map((page) => ({ page, label: PAGE_LABELS[page] })),
].map((item) => ({ ...item, key: comboText(pageKeys(item.page, currentFrontEnd())) }));

export function Sidebar({ page, onPage, workspacePath, counts, benchRunning, onShortcuts }: Props) {
  const { theme, toggle } = useTheme();
  return (
    <nav className="sidebar" aria-label="Pages">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        EdgeBench <span className="brand-sub">Studio</span>
      </div>
      <ul className="nav-list">
        {ITEMS.map((item) => (
          <li key={item.page}>
            <button
              type="button"
              className={`nav-item${page === item.page ? ' active' : ''}`}
              aria-current={page === item.page ? 'page' : undefined}
              data-testid={`nav-${item.page}`}
              onClick={() => onPage(item.page)}
              title={`${item.label} (${item.key})`}
            >
              <span>{item.label}</span>
              {item.page === 'runs' && benchRunning ? (
                <span className="nav-badge running" aria-label="benchmark running" />
              ) : (
                item.page !== 'home' && <span className="nav-count">{counts[item.page]}</span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <div className="sidebar-footer">
        <button type="button" className="theme-toggle" onClick={onShortcuts} data-testid="shortcuts-open" title="Keyboard shortcuts (?)">
          ? Keyboard shortcuts
        </button>
        <button type="button" className="theme-toggle" onClick={toggle} data-testid="theme-toggle">
          {theme === 'dark' ? '☀ Light mode' : '☾ Dark mode'}
        </button>
        {workspacePath && (
          <div className="workspace-path" title={workspacePath}>
            <span className="label">Workspace</span>
            <code>{workspacePath}</code>
          </div>
        )}
      </div>
    </nav>
  );
}

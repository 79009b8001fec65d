import type { Page } from '../hooks/usePage';
import { useTheme } from '../hooks/useTheme';

interface Props {
  page: Page;
  onPage: (page: Page) => void;
  workspacePath: string | null;
  counts: Record<Page, number>;
  benchRunning: boolean;
}

const ITEMS: Array<{ page: Page; label: string; key: string }> = [
  { page: 'models', label: 'Models', key: '1' },
  { page: 'targets', label: 'Targets', key: '2' },
  { page: 'runs', label: 'Runs', key: '3' },
  { page: 'compare', label: 'Compare', key: '4' },
  { page: 'datasets', label: 'Datasets', key: '5' },
  { page: 'accuracy', label: 'Accuracy', key: '6' },
  { page: 'devices', label: 'Devices', key: '7' },
];

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

export function Sidebar({ page, onPage, workspacePath, counts, benchRunning }: Props) {
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
              title={`${item.label} (${isMac ? '⌘' : 'Ctrl+'}${item.key})`}
            >
              <span>{item.label}</span>
              {item.page === 'runs' && benchRunning ? (
                <span className="nav-badge running" aria-label="benchmark running" />
              ) : (
                <span className="nav-count">{counts[item.page]}</span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <div className="sidebar-footer">
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

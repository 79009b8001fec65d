import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';

export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'edgebench.theme';
const darkQuery = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

function storedTheme(): Theme | null {
  const value = window.localStorage.getItem(STORAGE_KEY);
  return value === 'light' || value === 'dark' ? value : null;
}

/**
 * Follows the system's colour scheme until the user picks one with the toggle; the choice is
 * kept in localStorage. The theme is written to <html data-theme>, which the CSS keys on.
 */
export function useThemeChoice(): ThemeChoice {
  const [chosen, setChosen] = useState<Theme | null>(storedTheme);
  const [system, setSystem] = useState<Theme>(() => (darkQuery().matches ? 'dark' : 'light'));
  const theme = chosen ?? system;

  useEffect(() => {
    const query = darkQuery();
    const onChange = (event: MediaQueryListEvent): void => setSystem(event.matches ? 'dark' : 'light');
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    window.localStorage.setItem(STORAGE_KEY, next);
    setChosen(next);
  }, [theme]);

  // One object per theme, so components reading the context re-render only when it changes.
  return useMemo(() => ({ theme, toggle }), [theme, toggle]);
}

export interface ThemeChoice {
  theme: Theme;
  toggle: () => void;
}

/** The theme for charts and the toggle; StudioProviders supplies it around the app. */
export const ThemeContext = createContext<ThemeChoice>({ theme: 'light', toggle: () => undefined });

export function useTheme(): ThemeChoice {
  return useContext(ThemeContext);
}

/** Concrete colours for charts: SVG attributes drawn by recharts do not read CSS variables. */
export function chartColors(theme: Theme): { bar: string; outlier: string; axis: string; grid: string; text: string } {
  return theme === 'dark'
    ? { bar: '#5b9dff', outlier: '#d29922', axis: '#8b949e', grid: '#30363d', text: '#c9d1d9' }
    : { bar: '#2f6fde', outlier: '#bf8700', axis: '#57606a', grid: '#d8dee4', text: '#24292f' };
}

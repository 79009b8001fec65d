import type { Theme } from './hooks/useTheme';

/**
 * One colour per compared run, after Okabe and Ito's palette for colour-blind readers (its yellow
 * dropped: it vanishes on white). Dark mode gets lighter tints of the same hues so that lines
 * keep their contrast on the dark surface.
 */
const RUN_COLORS: Record<Theme, readonly string[]> = {
  light: ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#6f4e37', '#444444'],
  dark: ['#5aaaf0', '#ff8c4a', '#35d0a0', '#f09ad2', '#f5c04a', '#a3dcff', '#c8a27c', '#d0d0d0'],
};

export const MAX_COMPARED_RUNS = RUN_COLORS.light.length;

export function runColor(theme: Theme, index: number): string {
  const palette = RUN_COLORS[theme];
  return palette[index % palette.length] ?? '#888888';
}

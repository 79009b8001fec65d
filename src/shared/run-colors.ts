/**
 * One colour per compared run, after Okabe and Ito's palette for colour-blind readers (its yellow
 * dropped: it vanishes on white). Dark mode gets lighter tints of the same hues so that lines
 * keep their contrast on the dark surface. The studio and the HTML/PDF reports both take run k's
 * colour from here, so a run has the same colour in the app and in a report.
 */
export type ColorScheme = 'light' | 'dark';

export const RUN_COLORS: Record<ColorScheme, readonly string[]> = {
  light: ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#6f4e37', '#444444'],
  dark: ['#5aaaf0', '#ff8c4a', '#35d0a0', '#f09ad2', '#f5c04a', '#a3dcff', '#c8a27c', '#d0d0d0'],
};

/** How many runs can be told apart by colour; the palette repeats after that. */
export const MAX_COMPARED_RUNS = RUN_COLORS.light.length;

export function runColor(scheme: ColorScheme, index: number): string {
  const palette = RUN_COLORS[scheme];
  return palette[index % palette.length] ?? '#888888';
}

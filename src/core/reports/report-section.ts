import type { Block } from './blocks';
import type { ReportContext } from './report-types';

/**
 * One part of a report. Adding a part (accuracy, quantization recipe, serial firmware) is adding
 * a file in sections/ and a line in sections/index.ts; every format that renders blocks gets it.
 */
export interface ReportSection {
  /** Stable id, used as the HTML anchor. */
  id: string;
  title: string;
  /** The section's blocks; an empty list leaves the section out (e.g. no run has a profile). */
  build(report: ReportContext): Block[];
}

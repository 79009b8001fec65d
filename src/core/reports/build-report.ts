import type { Block } from './blocks';
import type { ReportSection } from './report-section';
import type { ReportContext } from './report-types';
import { REPORT_SECTIONS } from './sections';

export interface BuiltSection {
  section: ReportSection;
  blocks: Block[];
}

/** Every section's blocks, leaving out the sections that have nothing to show. */
export function buildSections(report: ReportContext, sections: readonly ReportSection[] = REPORT_SECTIONS): BuiltSection[] {
  return sections.map((section) => ({ section, blocks: section.build(report) })).filter((built) => built.blocks.length > 0);
}

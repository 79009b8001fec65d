/**
 * The report's sections, in the order they appear. Adding one is a file and a line here. The
 * summary comes first and the verdict with every warning last, so a report (a PDF above all)
 * opens with its numbers.
 */
import type { ReportSection } from '../report-section';
import { acceleratorSection } from './accelerator';
import { chartsSection } from './charts';
import { comparisonSection } from './comparison';
import { energySection } from './energy';
import { environmentSection } from './environment';
import { latencySection } from './latency';
import { memorySection } from './memory';
import { modelSection } from './model';
import { overviewSection } from './overview';
import { profileSection } from './profile';
import { reportWindowsSection } from './report-windows';
import { reproduceSection } from './reproduce';
import { settingsSection } from './settings';
import { summarySection } from './summary';
import { verdictSection } from './verdict';

export const REPORT_SECTIONS: readonly ReportSection[] = [
  summarySection,
  overviewSection,
  latencySection,
  comparisonSection,
  chartsSection,
  reportWindowsSection,
  memorySection,
  energySection,
  acceleratorSection,
  modelSection,
  environmentSection,
  settingsSection,
  profileSection,
  reproduceSection,
  verdictSection,
];

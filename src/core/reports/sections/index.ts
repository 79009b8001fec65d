/** The report's sections, in the order they appear. Adding one is a file and a line here. */
import type { ReportSection } from '../report-section';
import { chartsSection } from './charts';
import { comparisonSection } from './comparison';
import { environmentSection } from './environment';
import { latencySection } from './latency';
import { memorySection } from './memory';
import { modelSection } from './model';
import { overviewSection } from './overview';
import { profileSection } from './profile';
import { reportWindowsSection } from './report-windows';
import { reproduceSection } from './reproduce';
import { settingsSection } from './settings';
import { verdictSection } from './verdict';

export const REPORT_SECTIONS: readonly ReportSection[] = [
  overviewSection,
  verdictSection,
  latencySection,
  comparisonSection,
  chartsSection,
  reportWindowsSection,
  memorySection,
  modelSection,
  environmentSection,
  settingsSection,
  profileSection,
  reproduceSection,
];

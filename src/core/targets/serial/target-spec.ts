/**
 * Serial target specs (serial://PATH?baud=N&protocol=P): parsed and written by the serial kind's
 * descriptor (src/shared/plugins/target-kinds/serial-spec.ts), which the CLI and the UI share.
 */
export { formatSerialTargetSpec, parseSerialTargetSpec, type SerialTargetSpec } from '../../../shared/plugins/target-kinds/serial-spec';

/** Rates tried, fastest first, when the spec says baud=auto. */
export const AUTO_BAUD_CANDIDATES = [921600, 460800, 230400, 115200, 57600, 9600] as const;

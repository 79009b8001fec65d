/** The runtimes and which formats each loads: derived from the runtime registry (src/shared/plugins/runtimes). */
export { RUNTIME_LABELS, RUNTIMES_FOR_FORMAT } from './plugins/runtimes';

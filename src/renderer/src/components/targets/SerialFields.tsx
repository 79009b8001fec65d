import { COMMON_BAUD_RATES, type TargetFormErrors, type TargetFormValues } from './target-form';
import { TextField } from './TextField';

interface Props {
  values: TargetFormValues;
  errors: TargetFormErrors;
  onChange: (change: Partial<TargetFormValues>) => void;
}

/** Port, baud rate and device protocol, for an ESP32 / STM32 board on a USB-serial cable. */
export function SerialFields({ values, errors, onChange }: Props) {
  return (
    <>
      <div className="form-row">
        <TextField label="Port" hint="e.g. /dev/ttyUSB0, /dev/ttyACM0 or COM3" placeholder="/dev/ttyUSB0" className="grow" value={values.path} error={errors.path} testId="target-path-input" onChange={(path) => onChange({ path })} />
        <TextField label="Baud rate" hint="auto tries the usual rates" list="target-baud-rates" className="baud-field" value={values.baudRate} error={errors.baudRate} testId="target-baud-input" onChange={(baudRate) => onChange({ baudRate })} />
        <datalist id="target-baud-rates">
          <option value="auto" />
          {COMMON_BAUD_RATES.map((rate) => (
            <option key={rate} value={String(rate)} />
          ))}
        </datalist>
      </div>
      <p className="form-note">
        Not sure which port? <a href="#/devices" data-testid="target-devices-link">Find ports on the Devices page</a>; it
        recognizes common boards by their USB IDs.
      </p>
      <fieldset className="field">
        <legend className="field-label">Protocol</legend>
        <div className="radio-row">
          <label className="radio">
            <input type="radio" name="target-protocol" checked={values.protocol === 'edgebench'} data-testid="target-protocol-edgebench" onChange={() => onChange({ protocol: 'edgebench' })} />
            EdgeBench <span className="muted">the studio&apos;s firmware: upload models over the cable</span>
          </label>
          <label className="radio">
            <input type="radio" name="target-protocol" checked={values.protocol === 'mlperf-tiny'} data-testid="target-protocol-mlperf-tiny" onChange={() => onChange({ protocol: 'mlperf-tiny' })} />
            MLPerf Tiny <span className="muted">a board flashed with MLPerf Tiny firmware (its model is built in)</span>
          </label>
        </div>
      </fieldset>
    </>
  );
}

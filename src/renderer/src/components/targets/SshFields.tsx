import type { SshTargetConfig } from '../../../../shared/targets';
import { DEFAULT_KEY_FILE, type TargetFormErrors, type TargetFormValues } from './target-form';
import { TextField } from './TextField';

interface Props {
  values: TargetFormValues;
  errors: TargetFormErrors;
  onChange: (change: Partial<TargetFormValues>) => void;
}

const AUTH_CHOICES: Array<{ auth: SshTargetConfig['auth']; label: string; hint: string }> = [
  { auth: 'key', label: 'Key file', hint: 'a private key on this computer' },
  { auth: 'agent', label: 'SSH agent', hint: 'keys loaded with ssh-add (SSH_AUTH_SOCK)' },
  { auth: 'password', label: 'Password', hint: 'asked when you test or run' },
];

/** Host, port, user and how to log in, for a Raspberry Pi, Jetson or any Linux board. */
export function SshFields({ values, errors, onChange }: Props) {
  return (
    <>
      <div className="form-row">
        <TextField label="Host" hint="Host name or IP address" placeholder="raspberrypi.local" className="grow" value={values.host} error={errors.host} testId="target-host-input" onChange={(host) => onChange({ host })} />
        <TextField label="Port" hint="SSH's default is 22" className="port-field" value={values.port} error={errors.port} testId="target-port-input" onChange={(port) => onChange({ port })} />
        <TextField label="User" hint="The account to log in as" placeholder="pi" className="user-field" value={values.user} error={errors.user} testId="target-user-input" onChange={(user) => onChange({ user })} />
      </div>
      <fieldset className="field auth-field">
        <legend className="field-label">Log in with</legend>
        <div className="radio-row">
          {AUTH_CHOICES.map((choice) => (
            <label key={choice.auth} className="radio">
              <input type="radio" name="target-auth" checked={values.auth === choice.auth} data-testid={`target-auth-${choice.auth}`} onChange={() => onChange({ auth: choice.auth })} />
              {choice.label} <span className="muted">{choice.hint}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {values.auth === 'key' && (
        <TextField
          label="Key file"
          hint={`Path on this computer; empty tries ${DEFAULT_KEY_FILE}, then id_ecdsa and id_rsa`}
          placeholder={DEFAULT_KEY_FILE}
          className="key-field"
          value={values.identityFile}
          error={errors.identityFile}
          testId="target-key-input"
          onChange={(identityFile) => onChange({ identityFile })}
        />
      )}
      {values.auth === 'password' && (
        <p className="form-note" data-testid="target-password-note">
          The studio asks for the password when you test the connection or run a benchmark, and holds it in memory
          until it closes. It is never written to targets.json or anywhere else.
        </p>
      )}
      {values.auth === 'agent' && (
        <p className="form-note">The studio uses the agent its own process sees (SSH_AUTH_SOCK); start ssh-agent and ssh-add the key first.</p>
      )}
    </>
  );
}

import type { NetworkAgreement } from '../../../../shared/networks';
import { agreementHeadline, agreementRows } from './formats-view';

/** Each format against the reference format: top-1, top-1 agreement, cosine, largest error; a format that disagrees is flagged. */
export function AgreementTable({ agreement }: { agreement: NetworkAgreement }) {
  const rows = agreementRows(agreement);
  return (
    <div className="format-agreement" data-testid="format-agreement" data-agree={agreement.agree} data-inputs={agreement.inputs}>
      <p className={agreement.agree ? 'agreement-ok' : 'agreement-bad'} data-testid="format-agreement-headline">
        {agreementHeadline(agreement)}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Format</th>
            <th scope="col" className="num">
              Top-1
            </th>
            <th scope="col" className="num" title="Top-1 agreement: the share of samples whose top class equals the reference format's">
              Agreement
            </th>
            <th scope="col" className="num" title="Cosine of the outputs against the reference format's">
              Cosine
            </th>
            <th scope="col" className="num" title="Largest absolute difference from the reference format's outputs">
              Max error
            </th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.modelId} data-testid="format-agreement-row" data-verdict={row.verdict} className={row.verdict === 'disagrees' ? 'disagrees' : undefined}>
              <th scope="row" title={row.name}>
                {row.where}
              </th>
              <td className="num">{row.top1}</td>
              <td className="num" data-testid="agreement-top1">
                {row.agreement}
              </td>
              <td className="num" data-testid="agreement-cosine">
                {row.cosine}
              </td>
              <td className="num">{row.maxAbsError}</td>
              <td title={row.notes.join(' ')}>{row.verdict === 'reference' ? 'reference' : row.verdict === 'agrees' ? 'agrees' : '⚠ disagrees'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {agreement.skipped.length > 0 && (
        <ul className="muted" data-testid="format-agreement-skipped">
          {agreement.skipped.map((s) => (
            <li key={s.modelId}>{s.reason}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

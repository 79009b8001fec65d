import type { WorkspaceProblem } from '../../../shared/contract';

/** Files of the workspace that could not be read. They are reported, never changed. */
export function WorkspaceProblems({ problems }: { problems: WorkspaceProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="banner banner-warning" role="status" data-testid="workspace-problems">
      <span className="banner-icon" aria-hidden="true">
        ⚠
      </span>
      <div className="banner-text">
        <p>
          {problems.length === 1 ? 'One file' : `${problems.length} files`} in the workspace could not be read and{' '}
          {problems.length === 1 ? 'was' : 'were'} left untouched:
        </p>
        <ul className="problem-list">
          {problems.map((problem) => (
            <li key={problem.path}>
              <code>{problem.path}</code>: {problem.message}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

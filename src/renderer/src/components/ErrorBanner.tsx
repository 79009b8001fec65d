interface Props {
  message: string;
  /** Without it the banner cannot be dismissed (e.g. a lost connection). */
  onDismiss?: () => void;
}

export function ErrorBanner({ message, onDismiss }: Props) {
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner">
      <span className="banner-icon" aria-hidden="true">
        !
      </span>
      <p className="banner-text">{message}</p>
      {onDismiss && (
        <button type="button" className="banner-close" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}

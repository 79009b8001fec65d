import { useEffect, useRef } from 'react';

interface Props {
  /** The error in the UI's words; null shows nothing. */
  message: string | null;
  testId: string;
}

/**
 * A form's own error, beside the button that caused it. The page's banners sit above the scrolled
 * view, where a user at the bottom of a long form never sees them: this one is scrolled into view
 * and focused (so a screen reader reads it too) each time a new message arrives.
 */
export function FormError({ message, testId }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message === null) return;
    const el = ref.current;
    if (!el) return;
    const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    el.scrollIntoView({ block: 'nearest', behavior: still ? 'auto' : 'smooth' });
    el.focus({ preventScroll: true });
  }, [message]);
  if (message === null) return null;
  return (
    <div ref={ref} className="banner banner-error form-error" role="alert" tabIndex={-1} data-testid={testId}>
      <span className="banner-icon" aria-hidden="true">
        !
      </span>
      <p className="banner-text">{message}</p>
    </div>
  );
}

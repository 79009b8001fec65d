import { useCallback, useState } from 'react';
import { toErrorData, type ErrorData } from '../../../shared/errors';

export interface ShownError extends ErrorData {
  id: number;
}

let nextId = 1;

/** Errors waiting in dismissible banners; the same message twice is shown once. */
export function useErrors() {
  const [errors, setErrors] = useState<ShownError[]>([]);

  const report = useCallback((error: unknown) => {
    const data = toErrorData(error);
    setErrors((list) => (list.some((e) => e.message === data.message) ? list : [...list, { ...data, id: nextId++ }]));
  }, []);

  const dismiss = useCallback((id: number) => setErrors((list) => list.filter((e) => e.id !== id)), []);

  return { errors, report, dismiss };
}

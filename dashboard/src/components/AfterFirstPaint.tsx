import { type ReactNode, startTransition, useEffect, useState } from 'react';

/**
 * Renders its children once the page around it has rendered, in a transition of their own: the
 * page's first commit (and the layout the browser does after it) is then two shorter tasks, not one
 * long one that keeps a slow phone from answering input. Only for what ends a page: it appears
 * below everything else, so nothing already shown moves.
 */
export function AfterFirstPaint({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState(false);
  useEffect(() => startTransition(() => setShown(true)), []);
  return shown ? children : null;
}

import { useState } from 'react';

/**
 * The cursors of the pages seen so far, so "Newer" can step back although the API pages one way only.
 * A new `resetKey` (the filters changed) starts again at the first page.
 */
export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; cursors: string[] }>({ key: resetKey, cursors: [] });
  const cursors = state.key === resetKey ? state.cursors : [];
  return {
    cursor: cursors.at(-1),
    page: cursors.length + 1,
    older: (next: string) => setState({ key: resetKey, cursors: [...cursors, next] }),
    newer: () => setState({ key: resetKey, cursors: cursors.slice(0, -1) }),
  };
}

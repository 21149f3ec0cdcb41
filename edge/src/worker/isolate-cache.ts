/**
 * One value per isolate, rebuilt when its source changes (bindings can change
 * between requests on a redeploy). A rejected promise is forgotten, so the
 * next request tries again instead of failing for the isolate's lifetime.
 */
export function isolateCache<S, T>(build: (source: S) => T): (source: S) => T {
  let entry: { key: string; value: T } | undefined;
  return (source) => {
    const key = JSON.stringify(source);
    if (entry?.key === key) return entry.value;
    const value = build(source);
    entry = { key, value };
    if (value instanceof Promise) {
      value.catch(() => {
        if (entry?.value === value) entry = undefined;
      });
    }
    return value;
  };
}

import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import { defaultRange, isTimeRange, type TimeRange } from './time-range.ts';

export type FilterPatch = Record<string, string | undefined>;

/**
 * The filters of the observability screens, kept in the URL (`?environment=&app=&range=` and each
 * screen's own), so a link shares exactly what the person sees and other screens can link pre-filtered.
 */
export function useTelemetryFilters() {
  const [params, setParams] = useSearchParams();
  const raw = params.get('range');
  const range: TimeRange = isTimeRange(raw) ? raw : defaultRange;
  const environment = params.get('environment') ?? '';
  const app = params.get('app') ?? '';

  const update = useCallback(
    (patch: FilterPatch) =>
      setParams(
        (old) => {
          const next = new URLSearchParams(old);
          for (const [key, value] of Object.entries(patch)) {
            if (value) next.set(key, value);
            else next.delete(key);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  return {
    environment,
    app,
    range,
    /** A screen's own filter, '' when absent. */
    get: (key: string) => params.get(key) ?? '',
    update,
    /** The scope every telemetry query takes, without empty values (the API refuses empty names). */
    scope: { ...(environment ? { environment } : {}), ...(app ? { app } : {}) },
  };
}

export type TelemetryFilters = ReturnType<typeof useTelemetryFilters>;

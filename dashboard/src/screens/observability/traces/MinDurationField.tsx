import { NumberInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';

/** The minimum duration, typed freely and written to the URL (and so queried) once the person pauses. */
export function MinDurationField({ value, onChange }: { value: string; onChange: (ms?: string) => void }) {
  const [typed, setTyped] = useState<string | number>(value);
  const commit = useDebouncedCallback(
    (v: string | number) => onChange(Number(v) > 0 ? String(v) : undefined),
    400,
  );
  return (
    <NumberInput
      label="Min duration (ms)"
      min={0}
      max={86_400_000}
      value={typed}
      onChange={(v) => {
        setTyped(v);
        commit(v);
      }}
      w={150}
    />
  );
}

import { Badge } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';

/** A failure shown by an icon and a word, not by colour alone. */
export function ErrorMark({ label = 'Error' }: { label?: string }) {
  return (
    <Badge color="red" variant="light" leftSection={<IconAlertTriangle size={12} aria-hidden />}>
      {label}
    </Badge>
  );
}

import { ActionIcon } from '@mantine/core';
import type { ComponentProps } from 'react';

/**
 * The account menu's button, also shown alone while the menu's code loads (AccountMenu.tsx), so the
 * header does not change when it arrives. Menu.Target passes its ref and handlers through `props`.
 */
export function AccountButton({
  initial,
  ...props
}: { initial: string | undefined } & ComponentProps<'button'>) {
  return (
    <ActionIcon variant="default" size="lg" aria-label="Account" {...props}>
      <span aria-hidden="true">{(initial ?? '?').slice(0, 1).toUpperCase()}</span>
    </ActionIcon>
  );
}

import { Button, type ButtonProps, Tooltip } from '@mantine/core';
import type { MouseEventHandler, ReactNode } from 'react';
import { refusalOf, useTenant } from '../session/tenant.ts';

type Props = ButtonProps & {
  /** The permission the API demands for this action (x-permission in the OpenAPI document). */
  permission: string;
  onClick?: MouseEventHandler<HTMLButtonElement>;
  type?: 'button' | 'submit';
  children: ReactNode;
};

/** An action button that is disabled, with the reason on hover and focus, for a role that may not take it. */
export function Guarded({ permission, children, disabled, onClick, ...rest }: Props) {
  const reason = refusalOf(useTenant(), permission);
  if (!reason)
    return (
      <Button {...rest} disabled={disabled} onClick={onClick} data-permission={permission}>
        {children}
      </Button>
    );
  // data-disabled, not disabled: the button stays focusable, so keyboard users reach the reason too.
  return (
    <Tooltip label={reason} events={{ hover: true, focus: true, touch: true }}>
      <Button
        {...rest}
        data-disabled
        aria-disabled="true"
        aria-description={reason}
        data-permission={permission}
        onClick={(event) => event.preventDefault()}
      >
        {children}
      </Button>
    </Tooltip>
  );
}

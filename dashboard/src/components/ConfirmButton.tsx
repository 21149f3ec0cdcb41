import { Button, Group, Modal, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Guarded } from './Guarded.tsx';

type Props = {
  permission: string;
  label: string;
  /** What will happen, in words, asked before anything is sent. */
  question: ReactNode;
  confirmLabel?: string;
  onConfirm: () => void;
  loading?: boolean;
  color?: string;
};

/** A destructive action behind a confirmation dialog. */
export function ConfirmButton({
  permission,
  label,
  question,
  confirmLabel,
  onConfirm,
  loading,
  color = 'red',
}: Props) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Guarded permission={permission} variant="light" color={color} onClick={open} loading={loading}>
        {label}
      </Guarded>
      <Modal opened={opened} onClose={close} title={label} centered>
        <Text size="sm">{question}</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color={color}
            onClick={() => {
              close();
              onConfirm();
            }}
          >
            {confirmLabel ?? label}
          </Button>
        </Group>
      </Modal>
    </>
  );
}

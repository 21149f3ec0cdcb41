import { Alert } from '@mantine/core';
import { describeError } from '../api/problem.ts';

/** A problem+json (or a network failure) in words, where the action was. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { title: said, detail } = describeError(error);
  return (
    <Alert color="red" variant="light" title={title ?? said} role="alert">
      {title ? `${said}${detail ? `: ${detail}` : ''}` : detail}
    </Alert>
  );
}

import { Alert, Code } from '@mantine/core';

/** Why a deployment failed, with the last log lines the runner added to the reason, kept as lines. */
export function FailureReason({ reason }: { reason: string }) {
  const [first = '', ...rest] = reason.split('\n');
  return (
    <Alert color="red" variant="light" title="The deployment failed" role="alert">
      {first}
      {rest.length > 0 && (
        <Code block mt="xs" aria-label="Last log lines">
          {rest.join('\n')}
        </Code>
      )}
    </Alert>
  );
}

import { Alert, Center, Loader, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert.tsx';

type Props<T> = {
  query: UseQueryResult<T>;
  /** Shown in place of the content when `isEmpty` says there is nothing to show. */
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
};

/** Every screen's loading, error and empty states in one place, so none is forgotten. */
export function QueryState<T>({ query, empty, isEmpty, children }: Props<T>) {
  if (query.isPending)
    return (
      <Center py="xl" aria-busy="true">
        <Loader size="sm" role="status" aria-label="Loading" />
      </Center>
    );
  if (query.isError) return <ProblemAlert error={query.error} />;
  if (isEmpty?.(query.data))
    return (
      <Alert variant="light" color="gray" role="status">
        {typeof empty === 'string' ? <Text size="sm">{empty}</Text> : empty}
      </Alert>
    );
  return <>{children(query.data)}</>;
}

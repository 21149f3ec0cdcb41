import { QueryClient } from '@tanstack/react-query';
import { ApiProblem } from './problem.ts';

/** No view polls faster than every 5 s; live views use server-sent events instead. */
export const minimumPollMs = 5_000;

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: true,
      // A refused request (4xx) is an answer, not a glitch: asking again changes nothing.
      retry: (count, error) => !(error instanceof ApiProblem && error.status < 500) && count < 2,
    },
  },
});

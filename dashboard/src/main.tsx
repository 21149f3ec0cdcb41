import './mantine-styles.ts';
import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { queryClient } from './api/query-client.ts';
import { router } from './router.tsx';
import { prefetchSession } from './session/use-me.ts';
import { cssVariablesResolver, theme } from './theme.ts';

// Where notifications appear: nothing shows one on the first screen, so its code comes after it.
const Notifications = lazy(() =>
  import('@mantine/notifications').then((m) => ({ default: m.Notifications })),
);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

// Asked while the page's chunk downloads, not once the frame has rendered.
prefetchSession(location.pathname);

// A transition renders in slices, yielding between them: on a slow phone the first render is
// otherwise one long task that keeps the page from answering input.
startTransition(() =>
  createRoot(root).render(
    <StrictMode>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto">
        <Suspense fallback={null}>
          <Notifications position="top-right" />
        </Suspense>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  ),
);

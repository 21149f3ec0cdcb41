import { useEffect, useState } from 'react';
import { Navigate } from 'react-router';
import { signInHref } from '../api/client.ts';
import { ApiProblem } from '../api/problem.ts';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useMe, useTenants } from '../session/use-me.ts';
import { forgetReturnTo, peekReturnTo } from './login/return-to.ts';

/** `/`: the first tenant the person belongs to, or the sign-in page for a visitor. */
export function RootRedirect() {
  const [returnTo] = useState(peekReturnTo);
  // Forgotten once used, outside render (StrictMode renders twice).
  useEffect(() => () => forgetReturnTo(), []);
  const me = useMe();
  const tenants = useTenants();
  if (me.error instanceof ApiProblem && me.error.status === 401)
    return <Navigate to={signInHref()} replace />;
  if (me.error) return <ProblemAlert error={me.error} />;
  if (tenants.error) return <ProblemAlert error={tenants.error} />;
  if (!tenants.data) return <PageLoader />;
  if (returnTo?.startsWith('/auth/')) {
    location.assign(returnTo);
    return <PageLoader />;
  }
  if (returnTo) return <Navigate to={returnTo} replace />;
  const first = tenants.data.items[0];
  if (!first)
    return (
      <ProblemAlert error={new Error('You are not a member of any tenant yet: ask an owner to add you.')} />
    );
  return <Navigate to={`/t/${first.slug}`} replace />;
}

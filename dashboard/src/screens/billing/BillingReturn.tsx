import { Navigate, useSearchParams } from 'react-router';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useTenants } from '../../session/use-me.ts';

/** Stripe Checkout returns to /billing: on to the billing page of the tenant, keeping what Stripe said. */
export function BillingReturn() {
  const [params] = useSearchParams();
  const tenants = useTenants();
  if (tenants.error) return <ProblemAlert error={tenants.error} />;
  if (!tenants.data) return <PageLoader />;
  const remembered = sessionStorage.getItem('cameleer.checkoutTenant');
  const slug = tenants.data.items.find((t) => t.slug === remembered)?.slug ?? tenants.data.items[0]?.slug;
  if (!slug) return <Navigate to="/" replace />;
  return <Navigate to={`/t/${slug}/billing?${params.toString()}`} replace />;
}

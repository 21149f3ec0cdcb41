import { Alert, Anchor, Container, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useTenants } from '../../session/use-me.ts';
import { useBilling } from './billing-queries.ts';
import { checkoutMemory, type TierName, tierOrder } from './billing-state.ts';
import { confirmationPoll, isConfirmed } from './checkout-wait.ts';

function rememberedTier(): TierName | undefined {
  const tier = sessionStorage.getItem(checkoutMemory.tier);
  return tierOrder.find((t) => t === tier);
}

function Confirmation({ slug }: { slug: string }) {
  const [startedAt] = useState(() => Date.now());
  const tier = rememberedTier();
  const billing = useBilling(slug, {
    enabled: true,
    refetchInterval: (query) => confirmationPoll(isConfirmed(query.state.data, tier), startedAt),
  });
  if (billing.error) return <ProblemAlert error={billing.error} title="The tier cannot be read" />;
  if (isConfirmed(billing.data, tier))
    return (
      <Alert color="green" variant="light" title="Payment confirmed" role="status">
        The tenant is on the {billing.data?.tier} tier now; its licence was re-issued with the new limits.
      </Alert>
    );
  if (confirmationPoll(false, startedAt) === false)
    return (
      <Alert color="yellow" variant="light" title="Stripe has not confirmed yet" role="status">
        The payment went through Checkout, but Stripe has not told this edge yet. The tier changes as soon as
        it does; look again on the billing page in a few minutes.
      </Alert>
    );
  return (
    <Alert color="blue" variant="light" title="Waiting for Stripe" role="status" icon={<Loader size="xs" />}>
      Thank you. Stripe confirms the payment in a moment; the {tier ? `${tier} ` : ''}tier shows here once it
      has.
    </Alert>
  );
}

/** Stripe Checkout's return address (success_url, cancel_url): what happened, then back to the tenant. */
export function BillingReturn() {
  const [params] = useSearchParams();
  const tenants = useTenants();
  if (tenants.error) return <ProblemAlert error={tenants.error} />;
  if (!tenants.data) return <PageLoader />;
  const remembered = sessionStorage.getItem(checkoutMemory.tenant);
  const slug = tenants.data.items.find((t) => t.slug === remembered)?.slug ?? tenants.data.items[0]?.slug;
  const succeeded = params.get('checkout') === 'success';
  return (
    <Container size={560} py={64} component="main">
      <Paper withBorder p="xl" radius="md">
        <Stack>
          <Title order={1} size="h2">
            {succeeded ? 'Subscription' : 'Checkout cancelled'}
          </Title>
          {!slug ? (
            <Text size="sm">You are not a member of any tenant.</Text>
          ) : succeeded ? (
            <Confirmation slug={slug} />
          ) : (
            <Alert color="gray" variant="light" role="status">
              Nothing changed and nothing was charged: the tenant keeps its tier.
            </Alert>
          )}
          {slug && (
            <Anchor component={Link} to={`/t/${slug}/billing`}>
              Back to licence and billing
            </Anchor>
          )}
        </Stack>
      </Paper>
    </Container>
  );
}

import { Alert, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client.ts';
import { formatDateTime } from '../../components/dates.ts';
import { Guarded } from '../../components/Guarded.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { refusalOf, useTenant } from '../../session/tenant.ts';
import { useBilling } from './billing-queries.ts';
import {
  type Billing,
  checkoutMemory,
  isBillingUnconfigured,
  isLiveSubscription,
  type TierName,
  tierOrder,
} from './billing-state.ts';

function Unconfigured() {
  return (
    <Alert color="gray" variant="light" title="Billing is not set up on this edge" role="status">
      Tiers cannot be bought here: the edge has no Stripe account (STRIPE_SECRET_KEY and a price per tier). A
      platform administrator can still change the tier, and the licence below works as it is.
    </Alert>
  );
}

function Upgrades({ billing }: { billing: Billing }) {
  const { slug } = useTenant();
  const checkout = useMutation({
    mutationFn: (tier: TierName) =>
      unwrap(
        api.POST('/api/tenants/{tenant}/billing/checkout', {
          params: { path: { tenant: slug } },
          body: { tier },
        }),
      ),
    onSuccess: (session, tier) => {
      sessionStorage.setItem(checkoutMemory.tenant, slug);
      sessionStorage.setItem(checkoutMemory.tier, tier);
      location.assign(session.url);
    },
  });
  const higher = tierOrder.slice(tierOrder.indexOf(billing.tier) + 1);
  if (higher.length === 0) return <Text size="sm">This is the highest tier.</Text>;
  const live = isLiveSubscription(billing);
  return (
    <Stack gap="xs">
      <Group>
        {higher.map((tier) => (
          <Guarded
            key={tier}
            permission="billing:write"
            disabled={live || !billing.purchasable.includes(tier) || checkout.isPending}
            loading={checkout.isPending && checkout.variables === tier}
            onClick={() => checkout.mutate(tier)}
          >
            Upgrade to {tier}
          </Guarded>
        ))}
      </Group>
      {live && (
        <Text size="sm" c="dimmed">
          The tenant has a subscription: change its tier in the customer portal.
        </Text>
      )}
      {higher.some((tier) => !billing.purchasable.includes(tier)) && (
        <Text size="sm" c="dimmed">
          Tiers without a Stripe price on this edge cannot be bought:{' '}
          {higher.filter((t) => !billing.purchasable.includes(t)).join(', ')}.
        </Text>
      )}
      {checkout.isError && <ProblemAlert error={checkout.error} title="The checkout could not start" />}
    </Stack>
  );
}

function Portal({ billing }: { billing: Billing }) {
  const { slug } = useTenant();
  const portal = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/tenants/{tenant}/billing/portal', { params: { path: { tenant: slug } } })),
    onSuccess: (session) => location.assign(session.url),
  });
  return (
    <Stack gap="xs">
      <Group>
        <Guarded
          permission="billing:write"
          variant="default"
          disabled={!billing.customerId}
          loading={portal.isPending}
          onClick={() => portal.mutate()}
        >
          Manage billing
        </Guarded>
        {!billing.customerId && (
          <Text size="sm" c="dimmed">
            Available once the tenant has bought a tier.
          </Text>
        )}
      </Group>
      {portal.isError && <ProblemAlert error={portal.error} title="The customer portal could not open" />}
    </Stack>
  );
}

function SubscriptionState({ billing }: { billing: Billing }) {
  const sub = billing.subscription;
  if (!sub)
    return (
      <Text size="sm" data-testid="subscription-state">
        No subscription: the {billing.tier} tier was given to this tenant, nobody pays for it.
      </Text>
    );
  return (
    <Group gap="xs" data-testid="subscription-state">
      <Badge variant="light" color={isLiveSubscription(billing) ? 'green' : 'gray'}>
        {sub.status}
      </Badge>
      <Text size="sm">
        {sub.tier ? `${sub.tier} tier` : 'a price this edge does not know'} · last changed{' '}
        {formatDateTime(sub.updatedAt)}
      </Text>
    </Group>
  );
}

/** The Stripe side: subscription state, upgrades through Checkout and the customer portal. */
export function SubscriptionCard() {
  const scope = useTenant();
  const refusal = refusalOf(scope, 'billing:read');
  const billing = useBilling(scope.slug, { enabled: !refusal });
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="subscription-title">
      <Title order={2} size="h4" id="subscription-title" mb="sm">
        Subscription
      </Title>
      {refusal ? (
        <Text size="sm">{refusal}.</Text>
      ) : isBillingUnconfigured(billing.error) ? (
        <Unconfigured />
      ) : (
        <QueryState query={billing}>
          {(data) => (
            <Stack>
              <SubscriptionState billing={data} />
              <Upgrades billing={data} />
              <Portal billing={data} />
            </Stack>
          )}
        </QueryState>
      )}
    </Card>
  );
}

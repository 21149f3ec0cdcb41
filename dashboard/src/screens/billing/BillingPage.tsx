import { SimpleGrid, Stack } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useTenant } from '../../session/tenant.ts';
import { LicenceCard } from './LicenceCard.tsx';
import { SubscriptionCard } from './SubscriptionCard.tsx';
import { UsageCard } from './UsageCard.tsx';

export function BillingPage() {
  const { slug } = useTenant();
  return (
    <>
      <PageHeader
        title="Licence and billing"
        description="The tenant's tier and what it uses of it, its subscription, and its signed licence."
      />
      <Stack>
        <UsageCard slug={slug} />
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <SubscriptionCard />
          <LicenceCard />
        </SimpleGrid>
      </Stack>
    </>
  );
}

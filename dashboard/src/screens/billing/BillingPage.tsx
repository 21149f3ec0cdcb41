import { PageHeader } from '../../components/PageHeader.tsx';

export function BillingPage() {
  return <PageHeader title="Licence and billing" />;
}

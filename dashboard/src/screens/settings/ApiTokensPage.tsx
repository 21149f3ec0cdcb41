import { PageHeader } from '../../components/PageHeader.tsx';

export function ApiTokensPage() {
  return <PageHeader title="API tokens" />;
}

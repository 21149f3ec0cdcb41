import { PageHeader } from '../../components/PageHeader.tsx';

export function AppsPage() {
  return <PageHeader title="Apps" />;
}

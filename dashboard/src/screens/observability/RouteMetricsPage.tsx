import { PageHeader } from '../../components/PageHeader.tsx';

export function RouteMetricsPage() {
  return <PageHeader title="Route metrics" />;
}

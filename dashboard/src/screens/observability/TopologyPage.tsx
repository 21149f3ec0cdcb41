import { PageHeader } from '../../components/PageHeader.tsx';

export function TopologyPage() {
  return <PageHeader title="Topology" />;
}

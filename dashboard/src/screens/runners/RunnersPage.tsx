import { PageHeader } from '../../components/PageHeader.tsx';

export function RunnersPage() {
  return <PageHeader title="Runners" />;
}

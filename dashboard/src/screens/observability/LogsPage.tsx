import { PageHeader } from '../../components/PageHeader.tsx';

export function LogsPage() {
  return <PageHeader title="Logs" />;
}

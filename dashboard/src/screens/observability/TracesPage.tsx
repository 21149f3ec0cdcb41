import { PageHeader } from '../../components/PageHeader.tsx';

export function TracesPage() {
  return <PageHeader title="Traces" />;
}

import { PageHeader } from '../../components/PageHeader.tsx';

export function TracePage() {
  return <PageHeader title="Trace" />;
}

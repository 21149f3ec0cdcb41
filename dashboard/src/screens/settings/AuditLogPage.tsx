import { PageHeader } from '../../components/PageHeader.tsx';

export function AuditLogPage() {
  return <PageHeader title="Audit log" />;
}

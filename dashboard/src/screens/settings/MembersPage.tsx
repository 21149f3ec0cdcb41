import { PageHeader } from '../../components/PageHeader.tsx';

export function MembersPage() {
  return <PageHeader title="Members" />;
}

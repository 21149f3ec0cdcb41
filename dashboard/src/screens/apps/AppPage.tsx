import { PageHeader } from '../../components/PageHeader.tsx';

export function AppPage() {
  return <PageHeader title="App" />;
}

import { PageHeader } from '../../components/PageHeader.tsx';

export function DeploymentPage() {
  return <PageHeader title="Deployment" />;
}

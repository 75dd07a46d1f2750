import { PageHeader } from '../../components/PageHeader';

export function StopListPage() {
  return <PageHeader title="StopListPage" />;
}

import { PageHeader } from '../../components/PageHeader';

export function AgendaPage() {
  return <PageHeader title="AgendaPage" />;
}

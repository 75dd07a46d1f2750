import { PageHeader } from '../../components/PageHeader';

export function EventsPage() {
  return <PageHeader title="EventsPage" />;
}

import { PageHeader } from '../../components/PageHeader';

export function EventPage() {
  return <PageHeader title="EventPage" />;
}

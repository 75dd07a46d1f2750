import { PageHeader } from '../../components/PageHeader';

export function NewEventPage() {
  return <PageHeader title="NewEventPage" />;
}

export function EditEventPage() {
  return <PageHeader title="EditEventPage" />;
}

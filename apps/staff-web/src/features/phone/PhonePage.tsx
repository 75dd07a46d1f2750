import { PageHeader } from '../../components/PageHeader';

export function PhonePage() {
  return <PageHeader title="PhonePage" />;
}

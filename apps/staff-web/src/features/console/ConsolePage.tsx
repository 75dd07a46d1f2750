import { PageHeader } from '../../components/PageHeader';

export function ConsolePage() {
  return <PageHeader title="ConsolePage" />;
}

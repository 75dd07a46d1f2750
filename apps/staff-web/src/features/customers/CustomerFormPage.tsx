import { PageHeader } from '../../components/PageHeader';

export function NewCustomerPage() {
  return <PageHeader title="NewCustomerPage" />;
}

export function CustomerPage() {
  return <PageHeader title="CustomerPage" />;
}

import { PageHeader } from '../../components/PageHeader';

export function TemplateEditorPage() {
  return <PageHeader title="TemplateEditorPage" />;
}

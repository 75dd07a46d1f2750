import { Alert, Box, Card, Group, Loader, Select, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { toBody, type TemplateForm } from './template-form';

/**
 * The customer's landing page for a sample event, rendered by the gateway from the template as
 * it is being edited (`POST /api/templates/landing-preview`), ~300 ms after the last change.
 * Shown in a sandboxed iframe: no script, no same-origin access.
 */
export function LandingPreview({
  form,
  configKey,
  onConfigKey,
}: {
  form: TemplateForm;
  configKey: string;
  onConfigKey: (key: string) => void;
}) {
  const [debounced] = useDebouncedValue({ template: toBody(form), configKey }, 300);
  const preview = useQuery({
    queryKey: ['templates', 'landing-preview', debounced],
    queryFn: ({ signal }) =>
      api<string>('/api/templates/landing-preview', { method: 'POST', body: debounced, responseType: 'text', signal }),
    enabled: Boolean(debounced.configKey),
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: Infinity,
  });

  return (
    <Card withBorder radius="md" padding="md" style={{ position: 'sticky', top: 76 }}>
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Title order={2} size="h5">
          Landing page preview
        </Title>
        {preview.isFetching && <Loader size="xs" role="progressbar" aria-label="Updating preview" />}
      </Group>
      <Select
        label="Preview config"
        size="xs"
        mb="sm"
        allowDeselect={false}
        value={configKey || null}
        onChange={(value) => onConfigKey(value ?? '')}
        data={form.notificationConfigs.map((config) => config.key).filter((key, index, all) => key && all.indexOf(key) === index)}
      />
      {preview.error && (
        <Alert color="orange" variant="light" mb="sm" role="status">
          {preview.error.message}
        </Alert>
      )}
      <Box
        style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 12, overflow: 'hidden', maxWidth: 400, margin: '0 auto' }}
      >
        {preview.data !== undefined ? (
          <iframe
            title="Landing page preview"
            sandbox=""
            srcDoc={preview.data}
            style={{ width: '100%', height: 640, border: 0, display: 'block', background: 'white' }}
          />
        ) : (
          <Text size="sm" c="dimmed" p="md">
            {preview.isPending ? 'Rendering…' : 'No preview.'}
          </Text>
        )}
      </Box>
    </Card>
  );
}

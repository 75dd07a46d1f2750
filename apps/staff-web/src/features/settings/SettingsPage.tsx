import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, unplacedErrors } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useSenderSettings } from '../../api/resources';
import type { SenderSettingsView } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { FormErrors, QueryState } from '../../components/QueryState';
import { isEmail, isHttpUrl } from '../../components/validation';

export function SettingsPage() {
  const sender = useSenderSettings();
  return (
    <>
      <PageHeader title="Settings" description="Who customers see emails come from." />
      <QueryState isPending={sender.isPending} error={sender.error}>
        {() => sender.data && <SenderForm key={sender.data.updatedAt ?? 'default'} sender={sender.data} />}
      </QueryState>
    </>
  );
}

interface FormState {
  name: string;
  email: string;
  imageUrl: string;
}

function SenderForm({ sender }: { sender: SenderSettingsView }) {
  const client = useQueryClient();
  const [form, setForm] = useState<FormState>({ name: sender.name, email: sender.email, imageUrl: sender.imageUrl ?? '' });
  const [errors, setErrors] = useState<Partial<FormState>>({});
  const save = useMutation({
    mutationFn: (body: { name: string; email: string; imageUrl: string | null }) =>
      api<SenderSettingsView>('/api/settings/sender', { method: 'PUT', body }),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.sender, saved);
      notifications.show({ color: 'teal', message: 'Sender saved.' });
    },
  });
  const set = (key: keyof FormState, value: string) => setForm((current) => ({ ...current, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<FormState> = {};
    if (!form.name.trim()) found.name = 'Enter the sender name';
    else if (form.name.trim().length > 100) found.name = 'At most 100 characters';
    if (!isEmail(form.email.trim())) found.email = 'email must be a valid email address';
    if (form.imageUrl.trim() && !isHttpUrl(form.imageUrl.trim())) found.imageUrl = 'imageUrl must be an http(s) URL';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    save.mutate({ name: form.name.trim(), email: form.email.trim(), imageUrl: form.imageUrl.trim() || null });
  };

  const apiError = save.error instanceof ApiError ? save.error : null;
  const notVerified = apiError?.status === 422;
  const fieldError = (key: keyof FormState) =>
    errors[key] ?? apiError?.fieldError(key) ?? (key === 'email' && notVerified ? apiError.message : undefined);

  return (
    <Stack gap="lg" maw={620}>
      <Card withBorder radius="md" padding="lg">
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Title order={2} size="h4">
              Sender
            </Title>
            <FormErrors messages={save.error && !notVerified ? unplacedErrors(save.error, ['name', 'email', 'imageUrl']) : []} />
            <TextInput
              label="Sender name"
              value={form.name}
              onChange={(e) => set('name', e.currentTarget.value)}
              error={fieldError('name')}
            />
            <TextInput
              label="Sender email"
              type="email"
              value={form.email}
              onChange={(e) => set('email', e.currentTarget.value)}
              error={fieldError('email')}
              description={
                sender.verifiedDomains.length
                  ? `Verified domains: ${sender.verifiedDomains.join(', ')}`
                  : 'No verified domain is configured'
              }
            />
            <TextInput
              label="Header image URL"
              type="url"
              placeholder="https://example.com/logo.png"
              value={form.imageUrl}
              onChange={(e) => set('imageUrl', e.currentTarget.value)}
              error={fieldError('imageUrl')}
            />
            <Group justify="space-between">
              <Group gap="xs">
                <Text size="sm">Current address</Text>
                <Badge color={sender.verified ? 'teal' : 'red'} variant="light" tt="none">
                  {sender.verified ? 'verified domain' : 'not on a verified domain'}
                </Badge>
              </Group>
              <Button type="submit" loading={save.isPending}>
                Save sender
              </Button>
            </Group>
            {sender.changedBy && sender.updatedAt && (
              <Text size="xs" c="dimmed">
                Last changed by {sender.changedBy.name} on {new Date(sender.updatedAt).toLocaleString()}
              </Text>
            )}
          </Stack>
        </form>
      </Card>
      {!sender.verified && (
        <Alert color="orange" variant="light" title="Emails are refused">
          The current sender address is not on a verified domain, so every send by email is refused until it is changed.
        </Alert>
      )}
    </Stack>
  );
}

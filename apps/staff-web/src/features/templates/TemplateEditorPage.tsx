import {
  Accordion,
  ActionIcon,
  Button,
  Card,
  Code,
  ColorInput,
  Grid,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, newIdempotencyKey } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useTemplate } from '../../api/resources';
import type { TemplateView } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { FormErrors, QueryState } from '../../components/QueryState';
import { ScrollTable } from '../../components/ScrollRegion';
import { BOOKING_STATUS_LABELS } from '../../components/StatusBadge';
import { LandingPreview } from './LandingPreview';
import {
  BODY_PLACEHOLDERS,
  DEFAULT_REPLY_CODES,
  emptyTemplate,
  fromView,
  newConfig,
  TITLE_PLACEHOLDERS,
  toBody,
  validateTemplate,
  type ConfigForm,
  type TemplateForm,
} from './template-form';
import {
  BOOKING_STATUSES,
  CHANNEL_MODES,
  CUSTOMER_NOTIFICATION_TYPES,
  RESPONSE_TYPES,
  type CustomerNotificationType,
} from '@appointments/domain';

const words = (value: string) => value.replace(/_/g, ' ');
const BUTTONS = [
  ['accept', 'Accept'],
  ['decline', 'Decline'],
  ['reschedule', 'Reschedule'],
  ['viewDetails', 'View details'],
  ['addToCalendar', 'Add to calendar'],
] as const;

export function TemplateEditorPage() {
  const { id = 'new' } = useParams();
  const creating = id === 'new';
  const template = useTemplate(creating ? undefined : id);
  if (creating) return <Editor />;
  return (
    <QueryState isPending={template.isPending} error={template.error}>
      {() => template.data && <Editor key={template.data.updatedAt} template={template.data} />}
    </QueryState>
  );
}

type Update = (mutate: (draft: TemplateForm) => void) => void;

function Editor({ template }: { template?: TemplateView }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const creating = !template;
  const [form, setForm] = useState<TemplateForm>(() => (template ? fromView(template) : emptyTemplate()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [previewKey, setPreviewKey] = useState(() => form.notificationConfigs[0]?.key ?? '');
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [newType, setNewType] = useState<CustomerNotificationType>('reminder');

  // Applied at once, inside the event handler (the handlers read `e.currentTarget`, which React clears afterwards).
  const update: Update = (mutate) => {
    const next = structuredClone(form);
    mutate(next);
    setForm(next);
  };

  const save = useMutation({
    mutationFn: (body: TemplateForm) =>
      creating
        ? api<TemplateView>('/api/templates', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } })
        : api<TemplateView>(`/api/templates/${template.id}`, { method: 'PUT', body }),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.template(saved.id), saved);
      void client.invalidateQueries({ queryKey: queryKeys.templateList });
      notifications.show({ color: 'teal', message: 'Template saved. Events using it follow it from their next send.' });
      if (creating) navigate(`/templates/${saved.id}`, { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => api(`/api/templates/${template?.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: queryKeys.templates });
      navigate('/templates');
    },
    onError: (error) => notifications.show({ color: 'red', title: 'Not deleted', message: error.message }),
  });

  const apiError = save.error instanceof ApiError ? save.error : null;
  const err = (path: string) => errors[path] ?? apiError?.fieldErrors.find((error) => error.path === path)?.message;
  const placed = new Set(Object.keys(errors));
  const unplaced = apiError
    ? apiError.fieldErrors.length
      ? apiError.fieldErrors.filter((error) => !isShown(error.path, form)).map((error) => `${error.path}: ${error.message}`)
      : [apiError.message]
    : save.error
      ? [save.error.message]
      : [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateTemplate(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      notifications.show({ color: 'red', message: 'Some fields need attention.' });
      return;
    }
    save.mutate(toBody(form));
  };

  return (
    <>
      <PageHeader
        title={creating ? 'New template' : template.name}
        actions={
          !creating && (
            <Button variant="subtle" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              Delete template
            </Button>
          )
        }
      />
      <form onSubmit={submit} noValidate>
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <Stack gap="lg">
              <FormErrors messages={[...unplaced, ...(placed.has('notificationConfigs') ? [errors.notificationConfigs] : [])]} />
              <Card withBorder radius="md" padding="lg">
                <Title order={2} size="h4" mb="md">
                  General
                </Title>
                <Stack gap="sm">
                  <TextInput
                    label="Name"
                    value={form.name}
                    onChange={(e) => update((d) => void (d.name = e.currentTarget.value))}
                    error={err('name')}
                  />
                  <TextInput
                    label="Internal title pattern"
                    description={`Placeholders: ${TITLE_PLACEHOLDERS.map((name) => `{${name}}`).join(' ')}`}
                    value={form.titlePattern}
                    onChange={(e) => update((d) => void (d.titlePattern = e.currentTarget.value))}
                    error={err('titlePattern')}
                  />
                  <TextInput
                    label="Customer-facing title"
                    placeholder="Your Appointment with Acme"
                    value={form.customerTitle}
                    onChange={(e) => update((d) => void (d.customerTitle = e.currentTarget.value))}
                    error={err('customerTitle')}
                  />
                  <SimpleGrid cols={{ base: 1, sm: 2 }}>
                    <NumberInput
                      label="Default duration (minutes)"
                      min={5}
                      max={1440}
                      value={form.defaultDurationMinutes ?? ''}
                      onChange={(value) => update((d) => void (d.defaultDurationMinutes = typeof value === 'number' ? value : undefined))}
                      error={err('defaultDurationMinutes')}
                    />
                    <TextInput
                      label="Default location"
                      value={form.defaultLocation ?? ''}
                      onChange={(e) => update((d) => void (d.defaultLocation = e.currentTarget.value))}
                      error={err('defaultLocation')}
                    />
                  </SimpleGrid>
                  <Text size="sm" fw={500} mt="xs">
                    Status labels in the title
                  </Text>
                  <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
                    {BOOKING_STATUSES.map((status) => (
                      <TextInput
                        key={status}
                        size="xs"
                        label={`${BOOKING_STATUS_LABELS[status]} label`}
                        placeholder={status.toUpperCase()}
                        value={form.statusLabels?.[status] ?? ''}
                        onChange={(e) => update((d) => void (d.statusLabels = { ...d.statusLabels, [status]: e.currentTarget.value }))}
                      />
                    ))}
                  </SimpleGrid>
                </Stack>
              </Card>

              <Card withBorder radius="md" padding="lg">
                <Group justify="space-between" mb="md">
                  <Title order={2} size="h4">
                    Notification configs
                  </Title>
                  <Group gap="xs" align="flex-end">
                    <Select
                      size="xs"
                      label="Type to add"
                      allowDeselect={false}
                      value={newType}
                      onChange={(value) => setNewType((value ?? 'reminder') as CustomerNotificationType)}
                      data={CUSTOMER_NOTIFICATION_TYPES.map((type) => ({ value: type, label: words(type) }))}
                      w={150}
                    />
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() => update((d) => void d.notificationConfigs.push(newConfig(newType, d.notificationConfigs)))}
                    >
                      Add config
                    </Button>
                  </Group>
                </Group>
                <PlaceholderHelp />
                <Accordion variant="separated" multiple defaultValue={['0']} mt="md">
                  {form.notificationConfigs.map((config, index) => (
                    <Accordion.Item key={index} value={String(index)}>
                      <Accordion.Control>
                        <Text fw={600} size="sm">
                          {config.key || '(no key)'}{' '}
                          <Text span c="dimmed" size="sm">
                            · {words(config.type)}
                          </Text>
                        </Text>
                      </Accordion.Control>
                      <Accordion.Panel>
                        <ConfigEditor config={config} index={index} update={update} err={err} />
                      </Accordion.Panel>
                    </Accordion.Item>
                  ))}
                </Accordion>
              </Card>

              <Card withBorder radius="md" padding="lg">
                <Group justify="space-between" mb="sm">
                  <Title order={2} size="h4">
                    Reminder triggers
                  </Title>
                  <Button
                    size="xs"
                    variant="light"
                    onClick={() =>
                      update((d) => {
                        const key = d.notificationConfigs.find((config) => config.type === 'reminder')?.key ?? '';
                        d.reminderTriggers = [...(d.reminderTriggers ?? []), { configKey: key, offsetMinutes: 1440 }];
                      })
                    }
                  >
                    Add trigger
                  </Button>
                </Group>
                <Text size="sm" c="dimmed" mb="sm">
                  Send a config a fixed time before the start, once the event is booked or invited.
                </Text>
                <Stack gap="xs">
                  {(form.reminderTriggers ?? []).map((trigger, index) => (
                    <Group key={index} align="flex-start" gap="xs" wrap="nowrap">
                      <Select
                        label="Config to send"
                        size="sm"
                        style={{ flex: 1 }}
                        value={trigger.configKey || null}
                        onChange={(value) => update((d) => void (d.reminderTriggers![index].configKey = value ?? ''))}
                        data={form.notificationConfigs.map((config) => config.key).filter(Boolean)}
                        error={err(`reminderTriggers.${index}.configKey`)}
                      />
                      <NumberInput
                        label="Minutes before the start"
                        size="sm"
                        min={1}
                        max={86400}
                        w={190}
                        value={trigger.offsetMinutes}
                        onChange={(value) =>
                          update((d) => void (d.reminderTriggers![index].offsetMinutes = typeof value === 'number' ? value : 0))
                        }
                        error={err(`reminderTriggers.${index}.offsetMinutes`)}
                      />
                      <ActionIcon
                        mt={26}
                        variant="subtle"
                        color="red"
                        aria-label={`Remove trigger ${index + 1}`}
                        onClick={() => update((d) => void d.reminderTriggers!.splice(index, 1))}
                      >
                        ×
                      </ActionIcon>
                    </Group>
                  ))}
                </Stack>
              </Card>

              <Card withBorder radius="md" padding="lg">
                <Title order={2} size="h4" mb="sm">
                  Followers
                </Title>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                  {(
                    [
                      ['autoFollowOrganizer', 'Organizer follows automatically'],
                      ['autoFollowSalesperson', 'Salesperson follows automatically'],
                      ['notifyOnAccept', 'Email followers when the customer accepts'],
                      ['notifyOnDecline', 'Email followers when the customer declines'],
                      ['notifyOnReschedule', 'Email followers when the customer asks to reschedule'],
                    ] as const
                  ).map(([key, label]) => (
                    <Switch
                      key={key}
                      label={label}
                      checked={Boolean(form.followers?.[key])}
                      onChange={(e) => update((d) => void (d.followers = { ...d.followers, [key]: e.currentTarget.checked }))}
                    />
                  ))}
                </SimpleGrid>
              </Card>

              <Group justify="flex-end">
                <Button variant="default" onClick={() => navigate('/templates')}>
                  Back
                </Button>
                <Button type="submit" loading={save.isPending}>
                  {creating ? 'Create template' : 'Save template'}
                </Button>
              </Group>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <LandingPreview form={form} configKey={previewKey} onConfigKey={setPreviewKey} />
          </Grid.Col>
        </Grid>
      </form>
    </>
  );
}

/** Whether a field of the form shows this API error path (otherwise it goes in the alert above). */
function isShown(path: string, form: TemplateForm): boolean {
  if (['name', 'titlePattern', 'customerTitle', 'defaultDurationMinutes', 'defaultLocation'].includes(path)) return true;
  const config = /^notificationConfigs\.(\d+)\.(.+)$/.exec(path);
  if (config && Number(config[1]) < form.notificationConfigs.length) return SHOWN_CONFIG_FIELDS.test(config[2]);
  return /^reminderTriggers\.\d+\.(configKey|offsetMinutes)$/.test(path);
}

const SHOWN_CONFIG_FIELDS =
  /^(key|emailSubject|emailBody|smsBody|buttonColor|calendarColor|replyCodes\.codes\.\d+\.(code|autoReply)|landing\.(subtitle|ctaText|footer|customCss))$/;

function PlaceholderHelp() {
  return (
    <Text size="xs" c="dimmed">
      Placeholders in subjects, bodies, SMS and auto-replies:{' '}
      {BODY_PLACEHOLDERS.map((name) => (
        <Code key={name} mr={4}>{`{{${name}}}`}</Code>
      ))}
      (HTML-escaped in email). Buttons are added from the toggles, never written in a body.
    </Text>
  );
}

function ConfigEditor({
  config,
  index,
  update,
  err,
}: {
  config: ConfigForm;
  index: number;
  update: Update;
  err: (path: string) => string | undefined;
}) {
  const at = (field: string) => `notificationConfigs.${index}.${field}`;
  const edit = (mutate: (draft: ConfigForm) => void) => update((d) => mutate(d.notificationConfigs[index]));
  const landing = config.landing ?? {};
  const codes = config.replyCodes?.codes ?? [];
  const setLanding = (mutate: (draft: NonNullable<ConfigForm['landing']>) => void) =>
    edit((c) => {
      c.landing = c.landing ?? {};
      mutate(c.landing);
    });

  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TextInput
          label="Key"
          value={config.key}
          onChange={(e) => edit((c) => void (c.key = e.currentTarget.value))}
          error={err(at('key'))}
        />
        <Select
          label="Type"
          allowDeselect={false}
          value={config.type}
          onChange={(value) => edit((c) => void (c.type = (value ?? c.type) as CustomerNotificationType))}
          data={CUSTOMER_NOTIFICATION_TYPES.map((type) => ({ value: type, label: words(type) }))}
        />
        <Select
          label="Channels"
          allowDeselect={false}
          value={config.channelMode}
          onChange={(value) => edit((c) => void (c.channelMode = (value ?? c.channelMode) as ConfigForm['channelMode']))}
          data={CHANNEL_MODES.map((mode) => ({ value: mode, label: mode === 'follow_preference' ? "customer's preference" : words(mode) }))}
        />
      </SimpleGrid>
      <TextInput
        label="Email subject"
        value={config.emailSubject ?? ''}
        onChange={(e) => edit((c) => void (c.emailSubject = e.currentTarget.value))}
        error={err(at('emailSubject'))}
      />
      <Textarea
        label="Email body (HTML)"
        autosize
        minRows={3}
        maxRows={12}
        value={config.emailBody ?? ''}
        onChange={(e) => edit((c) => void (c.emailBody = e.currentTarget.value))}
        error={err(at('emailBody'))}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
      />
      <Textarea
        label="SMS text"
        autosize
        minRows={2}
        value={config.smsBody ?? ''}
        onChange={(e) => edit((c) => void (c.smsBody = e.currentTarget.value))}
        error={err(at('smsBody'))}
        description={`${(config.smsBody ?? '').length} characters before placeholders are filled`}
      />

      <Text size="sm" fw={500}>
        Buttons
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs">
        {BUTTONS.map(([key, label]) => (
          <Switch
            key={key}
            label={`${label} button`}
            checked={config.buttons[key]}
            onChange={(e) => edit((c) => void (c.buttons[key] = e.currentTarget.checked))}
          />
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <ColorInput
          withEyeDropper={false}
          label="Button colour"
          placeholder="#2563eb"
          format="hex"
          value={config.buttonColor ?? ''}
          onChange={(value) => edit((c) => void (c.buttonColor = value))}
          error={err(at('buttonColor'))}
        />
        <ColorInput
          withEyeDropper={false}
          label="Calendar block colour"
          placeholder="#0f766e"
          format="hex"
          value={config.calendarColor ?? ''}
          onChange={(value) => edit((c) => void (c.calendarColor = value))}
          error={err(at('calendarColor'))}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
        <Switch
          label="Ask for a decline reason"
          checked={Boolean(config.declineReason)}
          onChange={(e) => edit((c) => void (c.declineReason = e.currentTarget.checked))}
        />
        <Switch
          label="Ask for a reschedule reason"
          checked={Boolean(config.rescheduleReason)}
          onChange={(e) => edit((c) => void (c.rescheduleReason = e.currentTarget.checked))}
        />
        <Switch
          label="Confirm before rescheduling"
          checked={Boolean(config.requireRescheduleConfirmation)}
          onChange={(e) => edit((c) => void (c.requireRescheduleConfirmation = e.currentTarget.checked))}
        />
      </SimpleGrid>

      <Switch
        label="SMS reply codes"
        checked={Boolean(config.replyCodes?.enabled)}
        onChange={(e) => {
          const enabled = e.currentTarget.checked;
          edit(
            (c) =>
              void (c.replyCodes = {
                enabled,
                codes: c.replyCodes?.codes ?? (enabled ? DEFAULT_REPLY_CODES.map((code) => ({ ...code })) : undefined),
              }),
          );
        }}
      />
      {config.replyCodes?.enabled && (
        <ScrollTable label="Reply codes" minWidth={480}>
          <Table verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={90}>Code</Table.Th>
                <Table.Th w={150}>Action</Table.Th>
                <Table.Th>Auto-reply</Table.Th>
                <Table.Th w={40}>
                  <VisuallyHidden>Remove</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {codes.map((code, codeIndex) => (
                <Table.Tr key={codeIndex}>
                  <Table.Td>
                    <TextInput
                      size="xs"
                      aria-label={`Reply code ${codeIndex + 1}`}
                      value={code.code}
                      onChange={(e) => edit((c) => void (c.replyCodes!.codes![codeIndex].code = e.currentTarget.value))}
                      error={err(at(`replyCodes.codes.${codeIndex}.code`))}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Select
                      size="xs"
                      aria-label={`Action of reply code ${codeIndex + 1}`}
                      allowDeselect={false}
                      value={code.action}
                      onChange={(value) =>
                        edit((c) => void (c.replyCodes!.codes![codeIndex].action = (value ?? code.action) as typeof code.action))
                      }
                      data={RESPONSE_TYPES.map((type) => ({ value: type, label: type }))}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      size="xs"
                      aria-label={`Auto-reply of reply code ${codeIndex + 1}`}
                      placeholder="Confirmed! See you on {{date}} at {{time}}."
                      value={code.autoReply ?? ''}
                      onChange={(e) => edit((c) => void (c.replyCodes!.codes![codeIndex].autoReply = e.currentTarget.value || undefined))}
                      error={err(at(`replyCodes.codes.${codeIndex}.autoReply`))}
                    />
                  </Table.Td>
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove reply code ${codeIndex + 1}`}
                      onClick={() => edit((c) => void c.replyCodes!.codes!.splice(codeIndex, 1))}
                    >
                      ×
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Button
            size="xs"
            variant="subtle"
            mt={4}
            onClick={() => edit((c) => void (c.replyCodes!.codes = [...(c.replyCodes!.codes ?? []), { code: '', action: 'accept' }]))}
          >
            Add reply code
          </Button>
        </ScrollTable>
      )}

      <Accordion variant="contained" mt="xs">
        <Accordion.Item value="landing">
          <Accordion.Control>Landing page</Accordion.Control>
          <Accordion.Panel>
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <TextInput
                  label="Subtitle"
                  value={landing.subtitle ?? ''}
                  onChange={(e) => setLanding((l) => void (l.subtitle = e.currentTarget.value))}
                  error={err(at('landing.subtitle'))}
                />
                <TextInput
                  label="Call to action"
                  value={landing.ctaText ?? ''}
                  onChange={(e) => setLanding((l) => void (l.ctaText = e.currentTarget.value))}
                  error={err(at('landing.ctaText'))}
                />
              </SimpleGrid>
              <Textarea
                label="Footer"
                autosize
                minRows={1}
                value={landing.footer ?? ''}
                onChange={(e) => setLanding((l) => void (l.footer = e.currentTarget.value))}
                error={err(at('landing.footer'))}
              />
              <Text size="sm" fw={500}>
                Messages after an answer
              </Text>
              <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                {RESPONSE_TYPES.map((type) => (
                  <TextInput
                    key={type}
                    size="xs"
                    label={`After ${type}`}
                    value={landing.statusMessages?.[type] ?? ''}
                    onChange={(e) => setLanding((l) => void (l.statusMessages = { ...l.statusMessages, [type]: e.currentTarget.value }))}
                  />
                ))}
              </SimpleGrid>
              <Text size="sm" fw={500}>
                Button labels
              </Text>
              <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
                {BUTTONS.map(([key, label]) => (
                  <TextInput
                    key={key}
                    size="xs"
                    label={`${label} label`}
                    placeholder={label}
                    value={landing.buttonLabels?.[key] ?? ''}
                    onChange={(e) => setLanding((l) => void (l.buttonLabels = { ...l.buttonLabels, [key]: e.currentTarget.value }))}
                  />
                ))}
              </SimpleGrid>
              <Textarea
                label="Custom CSS"
                description="Sanitised before use"
                autosize
                minRows={2}
                maxRows={10}
                value={landing.customCss ?? ''}
                onChange={(e) => setLanding((l) => void (l.customCss = e.currentTarget.value))}
                error={err(at('landing.customCss'))}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
              />
            </Stack>
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>

      <Group justify="flex-end">
        <Button
          size="xs"
          variant="subtle"
          color="red"
          onClick={() => update((d) => void d.notificationConfigs.splice(index, 1))}
          aria-label={`Remove config ${config.key || index + 1}`}
        >
          Remove config
        </Button>
      </Group>
    </Stack>
  );
}

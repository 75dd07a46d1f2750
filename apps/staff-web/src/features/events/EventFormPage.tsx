import { Button, Card, Grid, Group, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMemo, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, newIdempotencyKey, unplacedErrors } from '../../api/client';
import { useCustomer, useCustomers, useTemplates } from '../../api/resources';
import type { EventView } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { FormErrors, QueryState } from '../../components/QueryState';
import { browserTimeZone, isoToWallTime, timeZones, wallTimeToIso } from '../../components/time';
import { isEmail, isHttpUrl } from '../../components/validation';
import { useEvent, useSaveEvent, type EventInput } from './api';

interface FormState {
  customerId: string;
  templateId: string;
  start: string;
  end: string;
  timeZone: string;
  location: string;
  videoUrl: string;
  description: string;
  salespersonName: string;
  salespersonEmail: string;
}

const EMPTY: FormState = {
  customerId: '',
  templateId: '',
  start: '',
  end: '',
  timeZone: browserTimeZone(),
  location: '',
  videoUrl: '',
  description: '',
  salespersonName: '',
  salespersonEmail: '',
};

function fromEvent(event: EventView): FormState {
  return {
    customerId: event.customerId,
    templateId: event.templateId,
    start: isoToWallTime(event.start, event.timeZone),
    end: isoToWallTime(event.end, event.timeZone),
    timeZone: event.timeZone,
    location: event.location ?? '',
    videoUrl: event.videoUrl ?? '',
    description: event.description ?? '',
    salespersonName: event.salesperson?.name ?? '',
    salespersonEmail: event.salesperson?.email ?? '',
  };
}

type Errors = Partial<Record<keyof FormState | 'salesperson', string>>;

/** The API's rules (CreateEventDto / UpdateEventDto), checked before sending. */
function validate(form: FormState, creating: boolean): Errors {
  const errors: Errors = {};
  if (creating && !form.customerId) errors.customerId = 'Choose a customer';
  if (creating && !form.templateId) errors.templateId = 'Choose a template';
  const start = form.start ? wallTimeToIso(form.start, form.timeZone) : null;
  const end = form.end ? wallTimeToIso(form.end, form.timeZone) : null;
  if (!start) errors.start = 'Enter the start date and time';
  if (!end) errors.end = 'Enter the end date and time';
  else if (start && new Date(end) <= new Date(start)) errors.end = 'The end must be after the start';
  if (!timeZones().includes(form.timeZone) && form.timeZone !== 'UTC') errors.timeZone = 'Choose an IANA time zone';
  if (form.location.length > 500) errors.location = 'At most 500 characters';
  if (form.videoUrl.trim() && !isHttpUrl(form.videoUrl.trim())) errors.videoUrl = 'videoUrl must be an http(s) URL';
  if (form.videoUrl.length > 2000) errors.videoUrl = 'At most 2000 characters';
  if (form.description.length > 5000) errors.description = 'At most 5000 characters';
  const hasSalesperson = form.salespersonName.trim() || form.salespersonEmail.trim();
  if (hasSalesperson && !form.salespersonName.trim()) errors.salespersonName = "Enter the salesperson's name";
  if (form.salespersonName.length > 200) errors.salespersonName = 'At most 200 characters';
  if (hasSalesperson && !isEmail(form.salespersonEmail.trim())) errors.salespersonEmail = 'salesperson.email must be a valid email address';
  return errors;
}

function toBody(form: FormState): EventInput {
  const salesperson =
    form.salespersonName.trim() || form.salespersonEmail.trim()
      ? { name: form.salespersonName.trim(), email: form.salespersonEmail.trim() }
      : null;
  return {
    customerId: form.customerId,
    templateId: form.templateId,
    start: wallTimeToIso(form.start, form.timeZone) ?? form.start,
    end: wallTimeToIso(form.end, form.timeZone) ?? form.end,
    timeZone: form.timeZone,
    location: form.location.trim() || null,
    videoUrl: form.videoUrl.trim() || null,
    description: form.description.trim() || null,
    salesperson,
  };
}

/** POST takes absent fields, PATCH takes null to clear: only what changed goes in a PATCH. */
function patchOf(before: FormState, form: FormState): Partial<EventInput> {
  const next = toBody(form);
  const previous = toBody(before);
  const patch: Partial<EventInput> = {};
  for (const key of ['start', 'end', 'timeZone', 'location', 'videoUrl', 'description', 'salesperson'] as const) {
    if (JSON.stringify(next[key]) !== JSON.stringify(previous[key])) (patch as Record<string, unknown>)[key] = next[key];
  }
  return patch;
}

function createBody(form: FormState): Partial<EventInput> {
  const body = toBody(form);
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null)) as Partial<EventInput>;
}

export function NewEventPage() {
  return <EventForm />;
}

export function EditEventPage() {
  const { id = '' } = useParams();
  const event = useEvent(id);
  return (
    <QueryState isPending={event.isPending} error={event.error}>
      {() => event.data && <EventForm key={event.data.id} event={event.data} />}
    </QueryState>
  );
}

const PLACED = [
  'customerId',
  'templateId',
  'start',
  'end',
  'timeZone',
  'location',
  'videoUrl',
  'description',
  'salesperson.name',
  'salesperson.email',
];

function EventForm({ event }: { event?: EventView }) {
  const navigate = useNavigate();
  const creating = !event;
  const [initial] = useState<FormState>(() => (event ? fromEvent(event) : EMPTY));
  const [form, setForm] = useState<FormState>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [idempotencyKey] = useState(newIdempotencyKey);
  const save = useSaveEvent(event?.id);
  const templates = useTemplates();
  const zones = useMemo(() => timeZones(), []);

  const [customerSearch, setCustomerSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(customerSearch, 250);
  const customers = useCustomers(debouncedSearch);
  const chosenCustomer = useCustomer(form.customerId || undefined);
  const customerOptions = useMemo(() => {
    const list = [...(customers.data ?? [])];
    if (chosenCustomer.data && !list.some((customer) => customer.id === chosenCustomer.data.id)) list.unshift(chosenCustomer.data);
    return list.map((customer) => ({
      value: customer.id,
      label: [customer.name, customer.email ?? customer.phone].filter(Boolean).join(' · '),
    }));
  }, [customers.data, chosenCustomer.data]);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((current) => ({ ...current, [key]: value }));

  const chooseTemplate = (templateId: string) => {
    const template = templates.data?.find((candidate) => candidate.id === templateId);
    setForm((current) => {
      const next = { ...current, templateId };
      if (template?.defaultLocation && !current.location) next.location = template.defaultLocation;
      if (template?.defaultDurationMinutes && current.start && !current.end)
        next.end = addMinutes(current.start, template.defaultDurationMinutes);
      return next;
    });
  };

  const chooseStart = (start: string) => {
    setForm((current) => {
      const template = templates.data?.find((candidate) => candidate.id === current.templateId);
      const next = { ...current, start };
      if (start && !current.end) next.end = addMinutes(start, template?.defaultDurationMinutes ?? 60);
      return next;
    });
  };

  const submit = (formEvent: FormEvent) => {
    formEvent.preventDefault();
    const found = validate(form, creating);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const body = creating ? createBody(form) : patchOf(initial, form);
    save.mutate(
      { body, idempotencyKey },
      {
        onSuccess: (saved) => {
          notifications.show({ color: 'teal', message: creating ? 'Event created (nothing was sent).' : 'Event saved.' });
          navigate(`/events/${saved.id}`);
        },
      },
    );
  };

  const apiError = save.error instanceof ApiError ? save.error : null;
  const fieldError = (key: keyof Errors, path: string = key) => errors[key] ?? apiError?.fieldError(path);

  return (
    <>
      <PageHeader
        title={creating ? 'New event' : 'Edit event'}
        description={creating ? 'Saving an event sends nothing: you send from its page.' : event.title}
      />
      <form onSubmit={submit} noValidate>
        <Stack gap="lg" maw={860}>
          <FormErrors messages={save.error ? unplacedErrors(save.error, PLACED) : []} />
          <Card withBorder radius="md" padding="lg">
            <Title order={2} size="h4" mb="md">
              Who and what
            </Title>
            <Grid gutter="md">
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <Select
                  label="Customer"
                  placeholder="Search by name, email or phone"
                  searchable
                  disabled={!creating}
                  data={customerOptions}
                  value={form.customerId || null}
                  onChange={(value) => set('customerId', value ?? '')}
                  searchValue={customerSearch}
                  onSearchChange={setCustomerSearch}
                  filter={({ options }) => options}
                  nothingFoundMessage={customers.isFetching ? 'Searching…' : 'No customer found'}
                  error={fieldError('customerId')}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <Select
                  label="Template"
                  placeholder="Choose a template"
                  searchable
                  disabled={!creating}
                  data={(templates.data ?? []).map((template) => ({ value: template.id, label: template.name }))}
                  value={form.templateId || null}
                  onChange={(value) => chooseTemplate(value ?? '')}
                  error={fieldError('templateId')}
                />
              </Grid.Col>
            </Grid>
          </Card>

          <Card withBorder radius="md" padding="lg">
            <Title order={2} size="h4" mb="md">
              When
            </Title>
            <Grid gutter="md">
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <TextInput
                  type="datetime-local"
                  label="Start"
                  value={form.start}
                  onChange={(e) => chooseStart(e.currentTarget.value)}
                  error={fieldError('start')}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <TextInput
                  type="datetime-local"
                  label="End"
                  value={form.end}
                  onChange={(e) => set('end', e.currentTarget.value)}
                  error={fieldError('end')}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <Select
                  label="Time zone"
                  searchable
                  data={zones}
                  value={form.timeZone}
                  onChange={(value) => set('timeZone', value ?? browserTimeZone())}
                  limit={100}
                  error={fieldError('timeZone')}
                />
              </Grid.Col>
            </Grid>
            <Text size="xs" c="dimmed" mt="xs">
              Times are the wall-clock times of the chosen time zone.
            </Text>
          </Card>

          <Card withBorder radius="md" padding="lg">
            <Title order={2} size="h4" mb="md">
              Where
            </Title>
            <Grid gutter="md">
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput
                  label="Location"
                  value={form.location}
                  onChange={(e) => set('location', e.currentTarget.value)}
                  error={fieldError('location')}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput
                  label="Video link"
                  type="url"
                  placeholder="https://"
                  value={form.videoUrl}
                  onChange={(e) => set('videoUrl', e.currentTarget.value)}
                  error={fieldError('videoUrl')}
                />
              </Grid.Col>
              <Grid.Col span={12}>
                <Textarea
                  label="Description"
                  autosize
                  minRows={2}
                  value={form.description}
                  onChange={(e) => set('description', e.currentTarget.value)}
                  error={fieldError('description')}
                />
              </Grid.Col>
            </Grid>
          </Card>

          <Card withBorder radius="md" padding="lg">
            <Title order={2} size="h4" mb={4}>
              Salesperson
            </Title>
            <Text size="sm" c="dimmed" mb="md">
              Follows the event when the template auto-follows the salesperson. The customer is never told.
            </Text>
            <Grid gutter="md">
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput
                  label="Salesperson name"
                  value={form.salespersonName}
                  onChange={(e) => set('salespersonName', e.currentTarget.value)}
                  error={fieldError('salespersonName', 'salesperson.name')}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput
                  label="Salesperson email"
                  type="email"
                  value={form.salespersonEmail}
                  onChange={(e) => set('salespersonEmail', e.currentTarget.value)}
                  error={fieldError('salespersonEmail', 'salesperson.email')}
                />
              </Grid.Col>
            </Grid>
          </Card>

          <Group justify="flex-end">
            <Button variant="default" onClick={() => navigate(-1)}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {creating ? 'Create event' : 'Save changes'}
            </Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}

function addMinutes(wallTime: string, minutes: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(wallTime);
  if (!match) return '';
  const [, y, mo, d, h, mi] = match.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi + minutes));
  return date.toISOString().slice(0, 16);
}

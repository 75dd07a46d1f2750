import { Button, Card, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, newIdempotencyKey, unplacedErrors } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useCustomer } from '../../api/resources';
import type { CustomerView } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { FormErrors, QueryState } from '../../components/QueryState';
import { isE164, isEmail, normalisePhone } from '../../components/validation';

interface FormState {
  name: string;
  email: string;
  phone: string;
  preferredConfirmationMethod: 'email' | 'sms' | '';
}

type Errors = Partial<Record<keyof FormState, string>>;

/** CreateCustomerDto / UpdateCustomerDto, checked before sending. */
function validate(form: FormState): Errors {
  const errors: Errors = {};
  if (!form.name.trim()) errors.name = 'Enter the name';
  else if (form.name.trim().length > 200) errors.name = 'At most 200 characters';
  if (form.email.trim() && !isEmail(form.email.trim())) errors.email = 'email must be a valid email address';
  if (form.phone.trim() && !isE164(normalisePhone(form.phone.trim())))
    errors.phone = 'phone must be a valid mobile phone number in international E.164 form, e.g. +14155550100';
  return errors;
}

export function NewCustomerPage() {
  return <CustomerForm />;
}

export function CustomerPage() {
  const { id = '' } = useParams();
  const customer = useCustomer(id);
  return (
    <QueryState isPending={customer.isPending} error={customer.error}>
      {() => customer.data && <CustomerForm key={customer.data.updatedAt} customer={customer.data} />}
    </QueryState>
  );
}

function CustomerForm({ customer }: { customer?: CustomerView }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const creating = !customer;
  const [form, setForm] = useState<FormState>({
    name: customer?.name ?? '',
    email: customer?.email ?? '',
    phone: customer?.phone ?? '',
    preferredConfirmationMethod: customer?.preferredConfirmationMethod ?? '',
  });
  const [errors, setErrors] = useState<Errors>({});
  const [idempotencyKey] = useState(newIdempotencyKey);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      creating
        ? api<CustomerView>('/api/customers', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } })
        : api<CustomerView>(`/api/customers/${customer.id}`, { method: 'PATCH', body }),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.customer(saved.id), saved);
      void client.invalidateQueries({ queryKey: queryKeys.customers });
      void client.invalidateQueries({ queryKey: ['events'] });
      notifications.show({ color: 'teal', message: creating ? `${saved.name} added.` : 'Customer saved.' });
      if (creating) navigate(`/customers/${saved.id}`);
    },
  });

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((current) => ({ ...current, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validate(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const email = form.email.trim();
    const phone = normalisePhone(form.phone.trim());
    const method = form.preferredConfirmationMethod;
    const body: Record<string, unknown> = creating
      ? {
          name: form.name.trim(),
          ...(email ? { email } : {}),
          ...(phone ? { phone } : {}),
          ...(method ? { preferredConfirmationMethod: method } : {}),
        }
      : { name: form.name.trim(), email: email || null, phone: phone || null, preferredConfirmationMethod: method || null };
    save.mutate(body);
  };

  const apiError = save.error instanceof ApiError ? save.error : null;
  const fieldError = (key: keyof FormState) => errors[key] ?? apiError?.fieldError(key);

  return (
    <>
      <PageHeader
        title={creating ? 'New customer' : customer.name}
        description={creating ? undefined : 'Changes apply to notifications sent from now on; titles follow at once.'}
      />
      <form onSubmit={submit} noValidate>
        <Card withBorder radius="md" padding="lg" maw={560}>
          <Stack gap="md">
            <FormErrors
              messages={save.error ? unplacedErrors(save.error, ['name', 'email', 'phone', 'preferredConfirmationMethod']) : []}
            />
            <TextInput label="Name" value={form.name} onChange={(e) => set('name', e.currentTarget.value)} error={fieldError('name')} />
            <TextInput
              label="Email"
              type="email"
              value={form.email}
              onChange={(e) => set('email', e.currentTarget.value)}
              error={fieldError('email')}
            />
            <TextInput
              label="Phone"
              type="tel"
              placeholder="+14155550100"
              description="Mobile number in international form"
              value={form.phone}
              onChange={(e) => set('phone', e.currentTarget.value)}
              error={fieldError('phone')}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="preferred-method-label">
                Preferred confirmation method
              </Text>
              <SegmentedControl
                aria-labelledby="preferred-method-label"
                value={form.preferredConfirmationMethod || 'none'}
                onChange={(value) => set('preferredConfirmationMethod', value === 'none' ? '' : (value as 'email' | 'sms'))}
                data={[
                  { value: 'none', label: 'Not set (email)' },
                  { value: 'email', label: 'Email' },
                  { value: 'sms', label: 'SMS' },
                ]}
              />
            </Stack>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => navigate('/customers')}>
                Back
              </Button>
              <Button type="submit" loading={save.isPending}>
                {creating ? 'Create customer' : 'Save changes'}
              </Button>
            </Group>
          </Stack>
        </Card>
      </form>
    </>
  );
}

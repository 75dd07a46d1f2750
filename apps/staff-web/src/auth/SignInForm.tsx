import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import { queryKeys } from '../api/query-keys';
import type { Session } from '../api/types';

interface Props {
  /** Called with the new session once the gateway has set the cookie. */
  onSignedIn: (session: Session) => void;
  initialEmail?: string;
}

/** Email, Password, Sign in: the login page's form and the expired-session dialog's. */
export function SignInForm({ onSignedIn, initialEmail = '' }: Props) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string; form?: string }>({});
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = {
      email: /^[^\s@]+@[^\s@]+$/.test(email.trim()) ? undefined : 'Enter your email address',
      password: password ? undefined : 'Enter your password',
    };
    setErrors(local);
    if (local.email || local.password) return;
    setPending(true);
    try {
      const session = await api<Session>('/api/auth/session', {
        method: 'POST',
        body: { email: email.trim(), password },
        retryAfterSignIn: false,
      });
      queryClient.setQueryData(queryKeys.session, session);
      setPassword('');
      onSignedIn(session);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setErrors({ form: 'Wrong email or password.' });
      else if (error instanceof ApiError && error.status === 429)
        setErrors({ form: 'Too many attempts. Wait a few minutes and try again.' });
      else if (error instanceof ApiError)
        setErrors({ email: error.fieldError('email'), password: error.fieldError('password'), form: error.message });
      else setErrors({ form: 'The server cannot be reached. Check your connection and try again.' });
    } finally {
      setPending(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="md">
        {errors.form && (
          <Alert color="red" variant="light" role="alert">
            {errors.form}
          </Alert>
        )}
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={errors.email}
          data-autofocus
        />
        <TextInput
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={errors.password}
        />
        <Button type="submit" loading={pending} fullWidth>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}

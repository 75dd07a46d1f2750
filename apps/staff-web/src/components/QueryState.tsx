import { Alert, Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** Loading and error states of a query, the same on every screen. */
export function QueryState({ isPending, error, children }: { isPending: boolean; error: unknown; children: () => ReactNode }) {
  if (error) {
    const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : 'Something went wrong';
    const notFound = error instanceof ApiError && error.status === 404;
    return (
      <Alert color="red" variant="light" title={notFound ? 'Not found' : 'Could not load'} role="alert">
        {message}
      </Alert>
    );
  }
  if (isPending) {
    return (
      <Center py="xl">
        <Loader role="progressbar" aria-label="Loading" />
      </Center>
    );
  }
  return <>{children()}</>;
}

export function FormErrors({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <Alert color="red" variant="light" role="alert" title="Please check the form">
      {messages.length === 1 ? (
        messages[0]
      ) : (
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

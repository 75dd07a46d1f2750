import { Modal, Text } from '@mantine/core';
import { useSyncExternalStore } from 'react';
import { useSession } from '../api/resources';
import { SignInForm } from './SignInForm';
import { isSignInRequired, signedInAgain, subscribeSignInRequired } from './session-expiry';

/**
 * Shown over the current screen when a call answers 401: the page below stays mounted (a
 * half-filled form is kept), and the calls that were refused are retried after signing in.
 */
export function SessionExpiredDialog() {
  const required = useSyncExternalStore(subscribeSignInRequired, isSignInRequired);
  const session = useSession();
  return (
    <Modal
      opened={required}
      onClose={() => undefined}
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      title="Your session has expired"
      centered
      zIndex={1000}
    >
      <Text size="sm" c="dimmed" mb="md">
        Sign in again to carry on where you were. Nothing on this page is lost.
      </Text>
      <SignInForm initialEmail={session.data?.staff.email ?? ''} onSignedIn={signedInAgain} />
    </Modal>
  );
}

/**
 * The expired-session handshake between the API client and the sign-in dialog. A call that gets
 * a 401 awaits `requireSignIn()`; the dialog (mounted once, over every screen) watches
 * `isSignInRequired` and calls `signedInAgain()` when the staff member has signed in, which
 * lets every waiting call retry. The page under the dialog is never unmounted.
 */
type Listener = () => void;

let waiting: { promise: Promise<void>; resolve: () => void } | null = null;
const listeners = new Set<Listener>();

function notify(): void {
  for (const listener of listeners) listener();
}

export function requireSignIn(): Promise<void> {
  if (!waiting) {
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    waiting = { promise, resolve };
    notify();
  }
  return waiting.promise;
}

export function signedInAgain(): void {
  const current = waiting;
  waiting = null;
  notify();
  current?.resolve();
}

export function isSignInRequired(): boolean {
  return waiting !== null;
}

export function subscribeSignInRequired(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

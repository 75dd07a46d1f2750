import * as bcrypt from 'bcryptjs';
import { hashPassword, SCRYPT_PARAMETERS, unknownUserHash, verifyPassword } from './password-hashing';

jest.setTimeout(30_000);

describe('password hashing (scrypt, PHC string)', () => {
  it('stores a self-describing scrypt hash with a fresh salt each time', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    expect(first).toMatch(
      new RegExp(
        `^\\$scrypt\\$ln=${SCRYPT_PARAMETERS.logN},r=${SCRYPT_PARAMETERS.r},p=${SCRYPT_PARAMETERS.p}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`,
      ),
    );
    expect(first).not.toBe(second);
  });

  it('verifies the password it hashed, needing no upgrade', async () => {
    const hash = await hashPassword('correct horse battery staple');
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toEqual({ matches: true, needsUpgrade: false });
  });

  it('refuses another password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    await expect(verifyPassword('correct horse battery stapler', hash)).resolves.toEqual({ matches: false, needsUpgrade: false });
    await expect(verifyPassword('', hash)).resolves.toEqual({ matches: false, needsUpgrade: false });
  });

  it('verifies a legacy bcryptjs hash and reports that it needs an upgrade', async () => {
    const legacy = await bcrypt.hash('admin-password', 4);
    expect(legacy).toMatch(/^\$2b\$04\$/);
    await expect(verifyPassword('admin-password', legacy)).resolves.toEqual({ matches: true, needsUpgrade: true });
    await expect(verifyPassword('wrong-password', legacy)).resolves.toEqual({ matches: false, needsUpgrade: false });
  });

  it('reports a scrypt hash with weaker parameters than today as needing an upgrade', async () => {
    const weak = await hashPassword('s3cret-enough');
    const [, , , salt, key] = weak.split('$');
    const { scryptSync } = await import('node:crypto');
    const weakKey = scryptSync('s3cret-enough', Buffer.from(salt, 'base64'), 32, { N: 2 ** 10, r: 8, p: 1 })
      .toString('base64')
      .replace(/=+$/, '');
    expect(weakKey).not.toBe(key);
    await expect(verifyPassword('s3cret-enough', `$scrypt$ln=10,r=8,p=1$${salt}$${weakKey}`)).resolves.toEqual({
      matches: true,
      needsUpgrade: true,
    });
  });

  it.each([
    ['an empty hash', ''],
    ['plain text', 'admin-password'],
    ['an unknown scheme', '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG'],
    ['a truncated bcrypt hash', '$2b$04$abcdefghijklmnopqrstuv'],
    ['scrypt without its key', '$scrypt$ln=15,r=8,p=1$c29tZXNhbHRzb21lc2FsdA$'],
    ['scrypt asking for a huge N', '$scrypt$ln=40,r=8,p=1$c29tZXNhbHRzb21lc2FsdA$c29tZXNhbHRzb21lc2FsdHNvbWVzYWx0c29tZXNhbHQ'],
    ['scrypt with N = 1', '$scrypt$ln=0,r=8,p=1$c29tZXNhbHRzb21lc2FsdA$c29tZXNhbHRzb21lc2FsdHNvbWVzYWx0c29tZXNhbHQ'],
  ])('refuses %s: it matches no password', async (_name, stored) => {
    await expect(verifyPassword('admin-password', stored)).resolves.toEqual({ matches: false, needsUpgrade: false });
  });

  it('has a hash of no one for unknown emails: today’s parameters, made once, matching nothing given', async () => {
    const hash = await unknownUserHash();
    expect(hash).toMatch(/^\$scrypt\$ln=15,/);
    await expect(unknownUserHash()).resolves.toBe(hash);
    await expect(verifyPassword('not-a-real-password', hash)).resolves.toEqual({ matches: false, needsUpgrade: false });
  });

  it('does not hold the event loop while hashing', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    await Promise.all([hashPassword('a'), hashPassword('b')]);
    const elapsed = Date.now() - started;
    clearInterval(timer);
    // bcryptjs (or scryptSync) would leave the 5 ms timer almost no turn while it computes.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 5 / 3));
  });
});

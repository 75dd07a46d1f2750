import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * Staff passwords, hashed with scrypt (`node:crypto`): the asynchronous `crypto.scrypt` runs on
 * libuv's thread pool, so a login no longer takes the gateway's only JavaScript thread for the
 * length of a hash (bcryptjs, pure JavaScript, held it for about 200 ms a try).
 *
 * Stored in the PHC string format, self-describing so the parameters can be raised later and
 * old hashes still verify: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (unpadded base64).
 * Hashes made by bcryptjs before (`$2a$`, `$2b$`, `$2y$`) still verify and are reported as
 * needing an upgrade; so is a scrypt hash with other parameters than today's.
 */
export interface PasswordCheck {
  matches: boolean;
  /** The password matched a hash of another kind or with other parameters: store `hashPassword(password)` instead. */
  needsUpgrade: boolean;
}

/** N = 2^15, r = 8, p = 1: 32 MiB and about 170 ms of one core on the 2-core machine (see docs/security-login.md). */
export const SCRYPT_PARAMETERS = { logN: 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Hashes stored with more than this are refused rather than computed (a row could otherwise ask for gigabytes). */
const MAX_LOG_N = 20;
const MAX_R = 16;
const MAX_P = 4;

const MISMATCH: PasswordCheck = { matches: false, needsUpgrade: false };

const PHC_SCRYPT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{16,})$/;
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

export async function hashPassword(password: string): Promise<string> {
  const { logN, r, p } = SCRYPT_PARAMETERS;
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, KEY_BYTES, { N: 2 ** logN, r, p });
  return `$scrypt$ln=${logN},r=${r},p=${p}$${unpadded(salt)}$${unpadded(key)}`;
}

/**
 * Whether `password` matches `storedHash`. A hash that is neither a well-formed scrypt PHC
 * string within the limits above nor a bcrypt hash matches nothing.
 */
export async function verifyPassword(password: string, storedHash: string): Promise<PasswordCheck> {
  const scryptHash = PHC_SCRYPT.exec(storedHash);
  if (scryptHash) {
    const [logN, r, p] = [Number(scryptHash[1]), Number(scryptHash[2]), Number(scryptHash[3])];
    if (logN < 1 || logN > MAX_LOG_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return MISMATCH;
    const salt = Buffer.from(scryptHash[4], 'base64');
    const expected = Buffer.from(scryptHash[5], 'base64');
    const actual = await scryptAsync(password, salt, expected.length, { N: 2 ** logN, r, p });
    if (!timingSafeEqual(actual, expected)) return MISMATCH;
    const current =
      logN === SCRYPT_PARAMETERS.logN && r === SCRYPT_PARAMETERS.r && p === SCRYPT_PARAMETERS.p && expected.length === KEY_BYTES;
    return { matches: true, needsUpgrade: !current };
  }
  if (BCRYPT.test(storedHash)) {
    // Legacy only: bcryptjs computes in JavaScript on the event loop (in slices), once per user, until the upgrade.
    const { compare } = await import('bcryptjs');
    return (await compare(password, storedHash)) ? { matches: true, needsUpgrade: true } : MISMATCH;
  }
  return MISMATCH;
}

let noOnesHash: Promise<string> | null = null;

/**
 * A hash of no one's password, made once per process with today's parameters: a login with an
 * unknown email is compared against it, so that it takes as long as one with a wrong password.
 */
export function unknownUserHash(): Promise<string> {
  noOnesHash ??= hashPassword(randomBytes(18).toString('base64'));
  return noOnesHash;
}

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem: scrypt needs 128 * N * r * p bytes (32 MiB for today's parameters); Node's default cap is 32 MiB exactly, too tight.
  const scryptOptions: ScryptOptions = { ...options, maxmem: 128 * options.N * options.r * options.p + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, scryptOptions, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function unpadded(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

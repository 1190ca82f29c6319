import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';

/**
 * Encrypts at rest credentials (impact.com auth tokens, webhook secrets, platform access tokens) and
 * what names customers (raw webhook payloads, delivery fields, exports) with AES-256-GCM. Sealed text
 * is `v1.<base64 iv|tag|ciphertext>`; the version prefix leaves room for key rotation.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key, given as 64 hex characters or base64 of 32 bytes. */
export function parseSecretKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const decoded = Buffer.from(trimmed, 'base64');
  return decoded.length === 32 && decoded.toString('base64').replace(/=+$/, '') === trimmed.replace(/=+$/, '') ? decoded : null;
}

export function generateSecretKey(): string {
  return randomBytes(32).toString('hex');
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new RangeError('the secret key must be 32 bytes');
  // One KeyObject for every cipher: given the raw key, each would make its own first, which costs
  // more than encrypting a 4 KB webhook body (every webhook and delivery is sealed once, opened once).
  const secret = createSecretKey(key);
  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const ciphertext = cipher.update(plaintext, 'utf8');
      // GCM adds nothing at the end (final computes the tag); concat takes it all the same.
      const rest = cipher.final();
      return VERSION + Buffer.concat([iv, cipher.getAuthTag(), ciphertext, rest]).toString('base64');
    },
    open(sealed) {
      if (!sealed.startsWith(VERSION)) throw new Error('sealed secret has an unknown format');
      const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plaintext = decipher.update(raw.subarray(IV_BYTES + TAG_BYTES));
      // A wrong key or tampered text fails authentication here, as an exception: it is a misconfiguration.
      const rest = decipher.final();
      return (rest.length === 0 ? plaintext : Buffer.concat([plaintext, rest])).toString('utf8');
    },
  };
}

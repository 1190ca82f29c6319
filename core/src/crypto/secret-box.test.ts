import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, generateSecretKey, parseSecretKey } from './secret-box.ts';

describe('SecretBox', () => {
  const key = parseSecretKey(generateSecretKey())!;

  it('round-trips and never stores the plaintext', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('impact-auth-token-123');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sealed).not.toContain('impact-auth-token-123');
    expect(box.open(sealed)).toBe('impact-auth-token-123');
  });

  it('round-trips any text, and opens what was sealed with the key as bytes (the format stays v1)', () => {
    const box = createSecretBox(key);
    const body = JSON.stringify({ name: 'Zoë Ünal 山田 🛒', note: 'x'.repeat(70_000) });
    expect(box.open(box.seal(body))).toBe(body);
    expect(box.open(box.seal(''))).toBe('');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ciphertext = Buffer.concat([cipher.update('sealed before', 'utf8'), cipher.final()]);
    expect(box.open(`v1.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`)).toBe('sealed before');
  });

  it('uses a fresh IV each time', () => {
    const box = createSecretBox(key);
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a wrong key or tampered text', () => {
    const sealed = createSecretBox(key).seal('secret');
    const other = createSecretBox(parseSecretKey(generateSecretKey())!);
    expect(() => other.open(sealed)).toThrow();
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    expect(() => createSecretBox(key).open(tampered)).toThrow();
  });

  it('parses hex and base64 keys of 32 bytes only', () => {
    expect(parseSecretKey('00'.repeat(32))?.length).toBe(32);
    expect(parseSecretKey(Buffer.alloc(32, 7).toString('base64'))?.length).toBe(32);
    expect(parseSecretKey('short')).toBeNull();
    expect(parseSecretKey('00'.repeat(31))).toBeNull();
  });
});

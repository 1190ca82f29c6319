import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64(HMAC-SHA256(secret, body)): how Shopify and WooCommerce sign webhooks. */
export function hmacSha256Base64(secret: string | Buffer, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** Compares two strings in constant time (for equal lengths; a length difference returns early, which leaks nothing secret). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

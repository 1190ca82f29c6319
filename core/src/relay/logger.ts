import pino, { type Logger } from 'pino';

/** The relay's JSON logger. Secrets are never logged by design; the redaction is a second line of defence. */
export function createRelayLogger(level: string, bindings: Record<string, string> = {}): Logger {
  return pino({
    level,
    base: { service: 'cartrelay', ...bindings },
    redact: { paths: ['*.authToken', '*.webhookSecret', '*.accessToken', '*.email', 'headers.authorization'], censor: '[redacted]' },
  });
}

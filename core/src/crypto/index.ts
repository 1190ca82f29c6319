export { type SecretBox, createSecretBox, generateSecretKey, parseSecretKey } from './secret-box.ts';

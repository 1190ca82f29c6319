// @ts-check
import { register } from '@shopify/web-pixels-extension';
import { subscribeClickCapture } from './capture.js';

// Strict sandbox: a web worker with its own fetch; storage goes through the async `browser` API.
register((api) => {
  subscribeClickCapture(api, { fetch: (url, init) => fetch(url, init), now: () => Date.now() });
});

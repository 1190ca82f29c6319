import { type CheckoutReader, READER_GLOBAL } from './checkout-reader.ts';

/** How long the SDK chunk may take to arrive before the checkout script falls back to the cart API. */
const LOAD_TIMEOUT_MS = 15_000;

/**
 * Loads the SDK chunk with its integrity pinned (the hash is compiled into the checkout script, whose
 * own hash the store holds, so the chain of SRI holds on the checkout page) and resolves to the reader
 * it leaves. Rejects when the chunk fails to load, fails its integrity check, or is too slow.
 */
export function loadCheckoutReader(win: Window, src: string, integrity: string): Promise<CheckoutReader> {
  return new Promise((resolve, reject) => {
    const script = win.document.createElement('script');
    const timer = win.setTimeout(() => reject(new Error(`${src} did not load in time`)), LOAD_TIMEOUT_MS);
    script.onload = () => {
      win.clearTimeout(timer);
      const reader = win[READER_GLOBAL];
      if (reader) resolve(reader);
      else reject(new Error(`${src} left no checkout reader`));
    };
    script.onerror = () => {
      win.clearTimeout(timer);
      reject(new Error(`${src} failed to load`));
    };
    script.setAttribute('integrity', integrity);
    script.setAttribute('crossorigin', 'anonymous');
    script.src = src;
    win.document.head.append(script);
  });
}

import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  // The pages live in the address bar: each test starts from a blank one.
  window.history.replaceState(null, '', '/');
});

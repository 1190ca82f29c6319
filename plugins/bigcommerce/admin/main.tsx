import { AdminApp } from '@cartrelay/admin';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { bigcommercePlatform, pageSession } from './bigcommerce-platform.ts';

/**
 * The BigCommerce mount of the shared admin page, opened by `/bigcommerce/load` inside the control
 * panel's iframe. It has the neutral shell: the page's own header, navigation and save bar.
 */
function OutsideBigCommerce() {
  return (
    <main style={{ font: '14px system-ui, sans-serif', padding: '1rem' }}>
      <h1>CartRelay</h1>
      <p role="alert">Open CartRelay from your BigCommerce control panel (Apps › My Apps › CartRelay): this page signs you in from there.</p>
    </main>
  );
}

const element = document.getElementById('root');
if (!element) throw new Error('index.html has no #root element');
let storage: Storage | null = null;
try {
  storage = window.sessionStorage;
} catch {
  // A browser that refuses storage to frames.
}
const session = pageSession(document, storage);
createRoot(element).render(<StrictMode>{session ? <AdminApp platform={bigcommercePlatform(session)} /> : <OutsideBigCommerce />}</StrictMode>);

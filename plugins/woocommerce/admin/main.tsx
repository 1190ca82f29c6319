import { AdminApp } from '@cartrelay/admin';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pageSession, woocommercePlatform } from './woocommerce-platform.ts';

/**
 * The WooCommerce mount of the shared admin page, opened in its own tab from the CartRelay plugin's
 * settings page in wp-admin. It has the neutral shell: the page's own header, navigation and save bar.
 */
function WithoutSession() {
  return (
    <main style={{ font: '14px system-ui, sans-serif', padding: '1rem' }}>
      <h1>CartRelay</h1>
      <p role="alert">Open CartRelay from your WordPress admin (WooCommerce › CartRelay › Open CartRelay): this page signs you in from there.</p>
    </main>
  );
}

const element = document.getElementById('root');
if (!element) throw new Error('index.html has no #root element');
let storage: Storage | null = null;
try {
  storage = window.sessionStorage;
} catch {
  // A browser that refuses storage.
}
const session = pageSession(window.location, storage, () => history.replaceState(null, '', window.location.pathname + window.location.search));
createRoot(element).render(<StrictMode>{session ? <AdminApp platform={woocommercePlatform(session)} /> : <WithoutSession />}</StrictMode>);

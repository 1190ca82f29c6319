// The landing script, on every storefront page (Scripts API visibility `storefront`): keeps the click
// id of the landing URL. Its settings come from its own src (script-query.ts).
import { captureLandingClick } from './landing-click.ts';
import { landingSettings, ownScriptUrl } from './script-url.ts';

try {
  captureLandingClick(window, landingSettings(ownScriptUrl(document, 'landing')));
} catch {
  // Cookies refused (a sandboxed frame, a privacy setting): nothing to keep, and nothing to tell the page.
}

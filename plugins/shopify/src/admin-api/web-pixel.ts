import { type Result, err, ok } from '@cartrelay/core';
import { type GraphqlRequester, adminGraphql } from './graphql.ts';

export const WEB_PIXEL_CREATE = `mutation CartRelayWebPixelCreate($webPixel: WebPixelInput!) {
  webPixelCreate(webPixel: $webPixel) { userErrors { code field message } webPixel { id settings } }
}`;
export const WEB_PIXEL_QUERY = `query CartRelayWebPixel { webPixel { id settings } }`;
export const WEB_PIXEL_UPDATE = `mutation CartRelayWebPixelUpdate($id: ID!, $webPixel: WebPixelInput!) {
  webPixelUpdate(id: $id, webPixel: $webPixel) { userErrors { code field message } webPixel { id settings } }
}`;

interface UserError {
  code: string | null;
  field: string[] | null;
  message: string;
}
interface PixelPayload {
  userErrors: UserError[];
  webPixel: { id: string; settings: string } | null;
}

/**
 * Activates the app's web pixel extension on the shop with these settings (validated by Shopify
 * against shopify.extension.toml). A shop that has it already (userErrors code TAKEN) gets its
 * settings updated instead. https://shopify.dev/docs/api/admin-graphql/latest/mutations/webPixelCreate
 */
export async function activateWebPixel(client: GraphqlRequester, settings: Record<string, string>): Promise<Result<{ id: string; created: boolean }, string>> {
  const webPixel = { settings: JSON.stringify(settings) };
  const created = await adminGraphql<{ webPixelCreate: PixelPayload }>(client, WEB_PIXEL_CREATE, { webPixel });
  if (!created.ok) return err(created.error.message);
  const payload = created.value.data.webPixelCreate;
  if (payload.userErrors.length === 0 && payload.webPixel) return ok({ id: payload.webPixel.id, created: true });
  if (!payload.userErrors.some((e) => e.code === 'TAKEN')) return err(describeUserErrors(payload.userErrors));

  const existing = await adminGraphql<{ webPixel: { id: string } | null }>(client, WEB_PIXEL_QUERY);
  if (!existing.ok) return err(existing.error.message);
  const id = existing.value.data.webPixel?.id;
  if (!id) return err(`webPixelCreate said the pixel exists (${describeUserErrors(payload.userErrors)}) but webPixel returned none`);
  const updated = await adminGraphql<{ webPixelUpdate: PixelPayload }>(client, WEB_PIXEL_UPDATE, { id, webPixel });
  if (!updated.ok) return err(updated.error.message);
  const update = updated.value.data.webPixelUpdate;
  return update.userErrors.length === 0 ? ok({ id, created: false }) : err(describeUserErrors(update.userErrors));
}

function describeUserErrors(errors: readonly UserError[]): string {
  return errors.map((e) => `${e.field?.length ? `${e.field.join('.')}: ` : ''}${e.message}${e.code ? ` (${e.code})` : ''}`).join('; ');
}

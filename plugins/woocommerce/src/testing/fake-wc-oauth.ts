import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OAuth 1.0a "one-legged" verification exactly as WooCommerce does it over plain HTTP
 * (`WC_REST_Authentication::get_oauth_parameters`, `check_oauth_signature`, `normalize_parameters`,
 * `join_with_equals_sign`, `check_oauth_timestamp_and_nonce` in
 * plugins/woocommerce/includes/class-wc-rest-authentication.php, and `wc_rest_urlencode_rfc3986` in
 * includes/wc-rest-functions.php).
 *
 * Strings are handled as PHP does, as bytes: a decoded parameter is a "binary" string (one char per
 * byte, latin1), so sorting is PHP's `strcmp` and encoding is PHP's `rawurlencode`.
 */

/** A parsed PHP request variable: a string, or an array built from `a[b]=…` / `a[]=…` names. */
export type PhpValue = string | PhpArray;
export interface PhpArray extends Map<string, PhpValue> {}

const OAUTH_PARAMS = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'] as const;

/** Percent-decodes like PHP's `urldecode` (plus is a space), into a byte string. */
export function phpUrldecode(value: string, plusIsSpace = true): string {
  const input = Buffer.from(plusIsSpace ? value.replace(/\+/g, ' ') : value, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (byte === 0x25 && i + 2 < input.length) {
      const hex = String.fromCharCode(input[i + 1]!, input[i + 2]!);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        out.push(Number.parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    out.push(byte);
  }
  return Buffer.from(out).toString('latin1');
}

/** PHP's `rawurlencode` over a byte string: everything but `A-Za-z0-9-_.~` as `%XX`. */
export function phpRawurlencode(bytes: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes.charCodeAt(i) & 0xff;
    const ch = String.fromCharCode(code);
    out += /[A-Za-z0-9\-_.~]/.test(ch) ? ch : `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `wc_rest_urlencode_rfc3986`: rawurlencode, then '+' → ' ' and '%7E' → '~' (no-ops after rawurlencode). */
function wcRestUrlencode(bytes: string): string {
  return phpRawurlencode(bytes).replace(/\+/g, ' ').replace(/%7E/g, '~');
}

/** A byte string back to text (UTF-8). */
export function bytesToText(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** PHP's `parse_str` (as for `$_GET` / `$_POST`): names with brackets build arrays; '.' and ' ' in the base name become '_'. */
export function phpParseStr(query: string): PhpArray {
  const result: PhpArray = new Map();
  if (!query) return result;
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const name = phpUrldecode(rawName);
    const value = phpUrldecode(rawValue);
    const open = name.indexOf('[');
    const base = (open > 0 ? name.slice(0, open) : name).replace(/[. ]/g, '_');
    if (!base) continue;
    const path: string[] = [];
    if (open > 0) {
      const re = /\[([^\]]*)\]/g;
      const rest = name.slice(open);
      for (let m = re.exec(rest); m; m = re.exec(rest)) path.push(m[1]!);
    }
    if (path.length === 0) {
      result.set(base, value);
      continue;
    }
    let node: PhpArray;
    const existing = result.get(base);
    if (existing instanceof Map) node = existing;
    else {
      node = new Map();
      result.set(base, node);
    }
    for (let i = 0; i < path.length; i++) {
      let key = path[i]!;
      if (key === '') key = String(nextIndex(node));
      if (i === path.length - 1) node.set(key, value);
      else {
        const child = node.get(key);
        if (child instanceof Map) node = child;
        else {
          const created: PhpArray = new Map();
          node.set(key, created);
          node = created;
        }
      }
    }
  }
  return result;
}

function nextIndex(node: PhpArray): number {
  let max = -1;
  for (const key of node.keys()) if (/^\d+$/.test(key)) max = Math.max(max, Number(key));
  return max + 1;
}

/** PHP's `empty()` on a request variable. */
export function phpEmpty(value: PhpValue | undefined): boolean {
  if (value === undefined) return true;
  if (value instanceof Map) return value.size === 0;
  return value === '' || value === '0';
}

/** `parse_header`: the `oauth_*` pairs of an `Authorization: OAuth …` header, urldecoded. */
export function parseOAuthHeader(header: string): PhpArray {
  const params: PhpArray = new Map();
  const trimmed = header.trim();
  if (!trimmed.startsWith('OAuth ')) return params;
  const re = /(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))/g;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    params.set(m[1]!, phpUrldecode(m[3] ? m[3] : (m[4] ?? '')));
  }
  return params;
}

export type OAuthParamsResult = { kind: 'none' } | { kind: 'error'; code: string; message: string } | { kind: 'params'; params: PhpArray };

/** `get_oauth_parameters`: $_GET + $_POST + the Authorization header, and the required-parameter check. */
export function getOAuthParameters(get: PhpArray, post: PhpArray, authorization: string | undefined): OAuthParamsResult {
  const params: PhpArray = new Map([...get, ...post]);
  if (authorization) for (const [k, v] of parseOAuthHeader(authorization)) params.set(k, v);
  const missing: string[] = [];
  let haveOne = false;
  for (const name of OAUTH_PARAMS) {
    if (phpEmpty(params.get(name))) missing.push(name);
    else haveOne = true;
  }
  if (!haveOne) return { kind: 'none' };
  if (missing.length > 0) {
    const message = `${missing.length === 1 ? 'Missing OAuth parameter' : 'Missing OAuth parameters'} ${missing.join(', ')}`;
    return { kind: 'error', code: 'woocommerce_rest_authentication_missing_parameter', message };
  }
  return { kind: 'params', params };
}

/** The string WooCommerce signs: METHOD & rawurlencode(home URL + path) & the normalized, sorted parameters. */
export function wooSignatureBaseString(method: string, baseRequestUri: string, params: PhpArray): string {
  const sorted = [...params.entries()].filter(([key]) => key !== 'oauth_signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const normalized: Array<[string, PhpValue]> = sorted.map(([key, value]) => [wcRestUrlencode(key), encodeValues(value)]);
  const pairs: string[] = [];
  joinWithEqualsSign(normalized, pairs, '');
  return `${method.toUpperCase()}&${phpRawurlencode(baseRequestUri)}&${pairs.join('%26')}`;
}

function encodeValues(value: PhpValue): PhpValue {
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, encodeValues(v)]));
  return wcRestUrlencode(value);
}

function joinWithEqualsSign(entries: Iterable<[string, PhpValue]>, out: string[], prefix: string): void {
  for (const [entryKey, value] of entries) {
    const key = prefix ? `${prefix}%5B${entryKey}%5D` : entryKey;
    if (value instanceof Map) joinWithEqualsSign(value, out, key);
    else out.push(wcRestUrlencode(`${key}=${value}`));
  }
}

export type SignatureCheck = { ok: true } | { ok: false; message: string };

/** `check_oauth_signature` for one key's secret. */
export function checkOAuthSignature(input: { method: string; baseRequestUri: string; params: PhpArray; consumerSecret: string }): SignatureCheck {
  const provided = input.params.get('oauth_signature');
  const signatureMethod = input.params.get('oauth_signature_method');
  const base = wooSignatureBaseString(input.method, input.baseRequestUri, input.params);
  if (signatureMethod !== 'HMAC-SHA1' && signatureMethod !== 'HMAC-SHA256') return { ok: false, message: 'Invalid signature - signature method is invalid.' };
  if (typeof provided !== 'string') return { ok: false, message: 'Invalid signature - provided signature does not match.' };
  const consumerSignature = phpUrldecode(provided.replace(/ /g, '+'), false);
  const algorithm = signatureMethod === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  const expected = createHmac(algorithm, Buffer.from(`${input.consumerSecret}&`, 'latin1')).update(Buffer.from(base, 'latin1')).digest('base64');
  const a = Buffer.from(expected, 'latin1');
  const b = Buffer.from(consumerSignature, 'latin1');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, message: 'Invalid signature - provided signature does not match.' };
  return { ok: true };
}

const VALID_WINDOW_SECONDS = 15 * 60;

/**
 * `check_oauth_timestamp_and_nonce`: the timestamp within 15 minutes of now, the nonce not among the
 * key's stored nonces. WooCommerce stores them keyed by timestamp (`$used_nonces[ $timestamp ] = $nonce`),
 * so a second request with the same timestamp replaces the first nonce: that is reproduced.
 */
export function checkTimestampAndNonce(nonces: Map<string, string>, timestamp: string, nonce: string, nowSeconds: number): SignatureCheck {
  const ts = Number(timestamp);
  if (!Number.isFinite(ts) || ts < nowSeconds - VALID_WINDOW_SECONDS || ts > nowSeconds + VALID_WINDOW_SECONDS) return { ok: false, message: 'Invalid timestamp.' };
  for (const used of nonces.values()) if (used === nonce) return { ok: false, message: 'Invalid nonce - nonce has already been used.' };
  nonces.set(timestamp, nonce);
  for (const [usedAt] of nonces) if (Number(usedAt) < nowSeconds - VALID_WINDOW_SECONDS) nonces.delete(usedAt);
  return { ok: true };
}

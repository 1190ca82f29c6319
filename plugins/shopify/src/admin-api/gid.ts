/** The numeric id at the end of a GraphQL id (`gid://shopify/Order/123` → "123"). */
export function numericId(gid: string): string {
  return /\/(\d+)(?:\?.*)?$/.exec(gid)?.[1] ?? gid;
}

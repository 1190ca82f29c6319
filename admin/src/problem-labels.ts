/**
 * The page's label for a problem's field path, so a server's 400 reads "Code, mapping 2: …" rather
 * than `promoCodes[1].code: …`. Row labels follow the rule tables' ("<column>, <row name> <n>").
 * A path this does not know is shown as it is.
 */
const TABLES: Readonly<Record<string, { row: string; columns: Readonly<Record<string, string>> }>> = {
  promoCodes: {
    row: 'mapping',
    columns: { match: 'Match', code: 'Code', partnerId: 'Partner id', actionTrackerId: 'Action tracker id', exclude: 'Exclude' },
  },
  skus: { row: 'SKU rule', columns: { match: 'Match', sku: 'SKU', category: 'Category', exclude: 'Exclude' } },
  'customerStatus.rules': { row: 'tag rule', columns: { tag: 'Customer tag', status: 'Status sent' } },
};

const FIELDS: Readonly<Record<string, string>> = {
  accountSid: 'Account SID',
  authToken: 'Auth Token',
  campaignId: 'Program id',
  program: 'Program',
  'program.campaignId': 'Program id',
  'program.actionTrackerId': 'Action tracker id',
  defaultCategory: 'Default category',
  'customerStatus.new': 'New customers',
  'customerStatus.returning': 'Returning customers',
  promoCodes: 'Promo codes',
  skus: 'SKU rules',
  'customerStatus.rules': 'Tag rules',
};

export function problemLabel(path: string): string {
  const known = FIELDS[path];
  if (known) return known;
  const row = /^(.+)\[(\d+)\](?:\.(\w+))?$/.exec(path);
  const table = row ? TABLES[row[1]!] : undefined;
  if (row && table) {
    const n = Number(row[2]) + 1;
    if (row[3] === undefined) return `${table.row.charAt(0).toUpperCase()}${table.row.slice(1)} ${n}`;
    const column = table.columns[row[3]];
    if (column) return `${column}, ${table.row} ${n}`;
  }
  return path;
}

/** "<label>: <message>", or the message alone for a problem with the whole input (empty path). */
export const describeProblem = (problem: { readonly path: string; readonly message: string }): string =>
  problem.path === '' || problem.path === '(root)' ? problem.message : `${problemLabel(problem.path)}: ${problem.message}`;

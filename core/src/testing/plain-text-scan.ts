import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlExecutor } from '../store/sql/sql-driver.ts';

/**
 * Where strings appear in plain in what a store leaves on disk: what the tests that prove no plain
 * personal data is at rest look through (and, with a string that must be there, that they can see).
 * Matches ignore case: an email is the same address in any case.
 */

/** Each `table.column: needle` where a needle appears, looking through every column of every table (as text). */
export async function findInTables(db: Pick<SqlExecutor, 'query'>, dialect: 'sqlite' | 'postgres', needles: readonly string[]): Promise<string[]> {
  const columns =
    dialect === 'sqlite'
      ? await db.query<{ table_name: string; column_name: string }>(
          "SELECT m.name AS table_name, c.name AS column_name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' ORDER BY 1, 2",
        )
      : await db.query<{ table_name: string; column_name: string }>(
          'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2',
        );
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const values = await db.query<{ value: string | null }>(`SELECT CAST("${column}" AS TEXT) AS value FROM "${table}"`);
    for (const needle of needles) {
      if (values.some((row) => row.value?.toLowerCase().includes(needle.toLowerCase()))) found.push(`${table}.${column}: ${needle}`);
    }
  }
  return found;
}

/** Each `file: needle` where a needle appears in the raw bytes of a file of `dir` (a SQLite database, its -wal and -shm). */
export function findInFiles(dir: string, needles: readonly string[]): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const bytes = readFileSync(path).toString('latin1').toLowerCase();
    for (const needle of needles) if (bytes.includes(needle.toLowerCase())) found.push(`${name}: ${needle}`);
  }
  return found;
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { aSecretBox } from '../testing/builders.ts';
import { describeStoreContract } from '../testing/store-contract.ts';
import { openStore } from './open-store.ts';

/** Each store gets a fresh schema in the test database; PostgreSQL must be running (.ci/run starts it). */
const databaseUrl = process.env.CARTRELAY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

describeStoreContract('PostgreSQL', async () => {
  const schema = `cartrelay_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return openStore({ databaseUrl, dataDir: '', schema, box: aSecretBox() });
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

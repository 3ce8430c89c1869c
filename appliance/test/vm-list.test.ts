import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'kysely';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

// The list at scale is measured in bench/vm-list-25k.ts; this checks its answers, on both engines.
for (const dialect of DIALECTS) {
  describe(`VM list on ${dialect}`, () => {
    let t: TestApp;
    let token: string;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      // Tags: every VM has env-<g % 3>; every tenth also "web", every 25th also "db team".
      await sql`INSERT INTO vms (id, uuid, name, description, status, vcpu, memory_mb, tags, created_at)
        SELECT gen_random_uuid(), gen_random_uuid(), 'vm-' || lpad(g::text, 4, '0'),
          CASE WHEN g % 50 = 0 THEN 'database replica ' || g ELSE NULL END,
          (ARRAY['running', 'stopped'])[1 + g % 2], 1, 512,
          jsonb_build_array('env-' || g % 3)
            || CASE WHEN g % 10 = 0 THEN '["web"]'::jsonb ELSE '[]'::jsonb END
            || CASE WHEN g % 25 = 0 THEN '["db team"]'::jsonb ELSE '[]'::jsonb END,
          now() - make_interval(secs => g)
        FROM generate_series(1, 300) g`.execute(t.ctx.db);
      token = (await t.login()).accessToken;
    });
    afterAll(() => t.close());

    const list = async (query: string) => {
      const res = await t.request('GET', `/api/vms?${query}`, { token });
      expect(res.status).toBe(200);
      return res.json as { items: Array<{ name: string; status: string }>; total: number };
    };

    test('the trigram indexes of the search exist (pg_trgm loaded on this engine)', async () => {
      const { rows } = await sql<{ indexname: string }>`
        SELECT indexname FROM pg_indexes WHERE tablename = 'vms' AND indexname LIKE '%trgm%'`.execute(
        t.ctx.db,
      );
      expect(rows.map((r) => r.indexname).sort()).toEqual(['vms_description_trgm_idx', 'vms_name_trgm_idx']);
    });

    test('search matches name or description, case-insensitively, with an exact total', async () => {
      expect((await list('q=VM-012&sort=name:asc')).items.map((v) => v.name)).toEqual(
        Array.from({ length: 10 }, (_, i) => `vm-012${i}`),
      );
      const replicas = await list('q=Replica&pageSize=2');
      expect(replicas.total).toBe(6);
      expect(replicas.items).toHaveLength(2);
      expect((await list('q=01')).total).toBe(112); // 0001, 0010-0019, 0100-0199, 0201: shorter than a trigram: scanned, same answer
      expect((await list('q=50%25')).total).toBe(0); // % is literal, not a wildcard
    });

    test('tag filter: exact membership of one tag, combined with the other filters and the search', async () => {
      const web = await list('tag=web&pageSize=500');
      expect(web.total).toBe(30);
      expect(web.items.every((v) => Number(v.name.slice(3)) % 10 === 0)).toBe(true);
      expect((await list('tag=WEB')).total).toBe(0); // tags are exact, not a search
      expect((await list('tag=we')).total).toBe(0);
      expect((await list(`tag=${encodeURIComponent('db team')}`)).total).toBe(12);
      expect((await list('tag=web&status=running')).total).toBe(30); // even g → running
      expect((await list('tag=web&status=stopped')).total).toBe(0);
      // Search on the description, narrowed by a tag: replicas are g % 50 = 0, all tagged web.
      const replicas = await list('q=replica&tag=web&sort=name:desc');
      expect(replicas.total).toBe(6);
      expect(replicas.items[0]?.name).toBe('vm-0300');
      expect((await list('q=replica&tag=env-0')).items.map((v) => v.name)).toEqual(['vm-0150', 'vm-0300']);
      expect((await list('tag=nope')).total).toBe(0);
    });

    test('a tag longer than a VM may carry is a 422 naming tag', async () => {
      const res = await t.request('GET', `/api/vms?tag=${'x'.repeat(65)}`, { token });
      expect(res.status).toBe(422);
      expect(res.text).toContain('tag');
    });

    test('the tag filter is served by the GIN index on tags', async () => {
      const plan = await t.ctx.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        const { rows } = await sql<{ 'QUERY PLAN': string }>`
          EXPLAIN SELECT id FROM vms WHERE tags @> '["web"]'::jsonb`.execute(trx);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('vms_tags_idx');
    });

    test('search matches the description alone (no name contains the word)', async () => {
      const res = await list('q=database');
      expect(res.total).toBe(6);
      expect(res.items.every((v) => !v.name.includes('database'))).toBe(true);
      expect((await list('q=replica 15')).items.map((v) => v.name)).toEqual(['vm-0150']);
    });

    test('filters, sort and deep pages agree with each other', async () => {
      const running = await list('status=running&sort=createdAt:desc&pageSize=500');
      expect(running.total).toBe(150);
      expect(running.items.every((v) => v.status === 'running')).toBe(true);
      const last = await list('sort=name:asc&pageSize=7&page=43');
      expect(last.items.map((v) => v.name)).toEqual([
        'vm-0295',
        'vm-0296',
        'vm-0297',
        'vm-0298',
        'vm-0299',
        'vm-0300',
      ]);
      expect(last.total).toBe(300);
    });
  });
}

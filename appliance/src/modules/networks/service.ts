import type { Network, NetworksPost } from '@paddock/protocol/api/networks';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, NetworkTable } from '../../db/database.ts';
import { type ListParams, type ListResult, type ListSpec, runList } from '../../db/list-query.ts';
import { AppError } from '../../http/app-error.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';

const spec: ListSpec = {
  sortable: { id: 'id', name: 'name', createdAt: 'created_at' },
  defaultSort: { field: 'name', dir: 'asc' },
  searchable: ['name'],
  filters: { type: 'type' },
};

/** The API view of a network row. */
export function toNetwork(r: Selectable<NetworkTable>): Network {
  const meta = (r.meta ?? {}) as { bridge?: string };
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    bridge: meta.bridge ?? null,
    cidr: r.cidr,
    gateway: r.gateway,
    mtu: r.mtu,
    vlanId: r.vlan_id,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/**
 * Networks VMs attach to. This first cut binds a network to a Linux bridge that exists on the
 * nodes; bridge/VLAN provisioning and OVS come with the networking work.
 */
export class NetworksService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(params: ListParams): Promise<ListResult<Network>> {
    const page = await runList(this.db.selectFrom('networks').selectAll(), spec, params);
    return { ...page, items: page.items.map(toNetwork) };
  }

  async get(id: string): Promise<Network> {
    const row = await this.db.selectFrom('networks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', `network ${id} does not exist`);
    return toNetwork(row);
  }

  async create(actor: Actor, input: NetworksPost): Promise<Network> {
    return auditedChange(this.db, actor, async (trx) => {
      if (await trx.selectFrom('networks').select('id').where('name', '=', input.name).executeTakeFirst()) {
        throw new AppError('ALREADY_EXISTS', `network "${input.name}" already exists`, { field: 'name' });
      }
      const id = crypto.randomUUID();
      await trx
        .insertInto('networks')
        .values({
          id,
          name: input.name,
          type: input.type,
          cidr: input.cidr ?? null,
          gateway: input.gateway ?? null,
          mtu: input.mtu ?? 1500,
          vlan_id: null,
          meta: JSON.stringify({ bridge: input.bridge }),
          updated_at: new Date(),
        })
        .execute();
      const row = await trx.selectFrom('networks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return { result: toNetwork(row), audit: { targetType: 'network', targetId: id, detail: { ...input } } };
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await auditedChange(this.db, actor, async (trx) => {
      const row = await trx.selectFrom('networks').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', `network ${id} does not exist`);
      const users = await trx
        .selectFrom('vms')
        .select('name')
        .where(sql<boolean>`network_interfaces @> ${JSON.stringify([{ networkId: id }])}::jsonb`)
        .execute();
      if (users.length > 0) {
        throw new AppError(
          'CONFLICT',
          `network ${row.name} is used by ${users.map((u) => u.name).join(', ')}`,
        );
      }
      await trx.deleteFrom('networks').where('id', '=', id).execute();
      return {
        result: undefined,
        audit: { targetType: 'network', targetId: id, detail: { name: row.name } },
      };
    });
  }
}

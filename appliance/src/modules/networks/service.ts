import type { Network, NetworksPost } from '@paddock/protocol/api/networks';
import type { Kysely, Selectable } from 'kysely';
import type { DB, NetworkTable } from '../../db/database.ts';
import type { ListParams, ListResult } from '../../db/list-query.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import * as repo from './repository.ts';

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
    const page = await repo.listNetworks(this.db, params);
    return { ...page, items: page.items.map(toNetwork) };
  }

  async get(id: string): Promise<Network> {
    const row = await repo.findNetwork(this.db, id);
    if (!row) throw new AppError('NOT_FOUND', `network ${id} does not exist`);
    return toNetwork(row);
  }

  async create(actor: Actor, input: NetworksPost): Promise<Network> {
    return auditedChange(this.db, actor, async (trx) => {
      if (await repo.networkNameTaken(trx, input.name)) {
        throw new AppError('ALREADY_EXISTS', `network "${input.name}" already exists`, { field: 'name' });
      }
      const id = crypto.randomUUID();
      await repo.insertNetwork(trx, {
        id,
        name: input.name,
        type: input.type,
        cidr: input.cidr ?? null,
        gateway: input.gateway ?? null,
        mtu: input.mtu ?? 1500,
        vlan_id: null,
        meta: JSON.stringify({ bridge: input.bridge }),
        updated_at: new Date(),
      });
      const row = (await repo.findNetwork(trx, id))!;
      return { result: toNetwork(row), audit: { targetType: 'network', targetId: id, detail: { ...input } } };
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await auditedChange(this.db, actor, async (trx) => {
      const row = await repo.findNetwork(trx, id);
      if (!row) throw new AppError('NOT_FOUND', `network ${id} does not exist`);
      const users = await repo.vmNamesOnNetwork(trx, id);
      if (users.length > 0)
        throw new AppError('CONFLICT', `network ${row.name} is used by ${users.join(', ')}`);
      await repo.deleteNetwork(trx, id);
      return {
        result: undefined,
        audit: { targetType: 'network', targetId: id, detail: { name: row.name } },
      };
    });
  }
}

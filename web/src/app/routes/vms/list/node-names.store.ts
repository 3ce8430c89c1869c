import { Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Node } from '@paddock/protocol/api/nodes';
import { isDeleted } from '@paddock/protocol/api/events';
import { NodesApi } from '../../../core/api/nodes.api';
import { Permissions } from '../../../core/auth/permissions';
import { LiveEvents } from '../../../core/live/live-events.service';

// A fleet has tens of nodes, not thousands: one page holds them all.
const MAX_NODES = 500;

/**
 * Node id → node, for the VM list's node column and filter: loaded once per session and kept
 * current by node events, so paging through VMs never asks for nodes again.
 */
@Injectable({ providedIn: 'root' })
export class NodeNamesStore {
  private readonly api = inject(NodesApi);
  private readonly permissions = inject(Permissions);
  private readonly live = inject(LiveEvents);
  private readonly byId = signal<ReadonlyMap<string, Node>>(new Map());
  private loading: Promise<void> | null = null;

  /** Every known node, by hostname. */
  readonly nodes = signal<Node[]>([]);

  constructor() {
    this.live
      .on('node')
      .pipe(takeUntilDestroyed())
      .subscribe((event) => {
        const next = new Map(this.byId());
        if (isDeleted(event.data)) next.delete(event.id);
        else next.set(event.id, event.data);
        this.set(next);
      });
    this.live.resync$.pipe(takeUntilDestroyed()).subscribe(() => {
      this.loading = null;
      void this.load();
    });
  }

  /** Loads the nodes the first time (no-op without nodes:read: the column then shows ids). */
  load(): Promise<void> {
    if (!this.permissions.can('nodes:read')) return Promise.resolve();
    this.loading ??= this.api.list({ pageSize: MAX_NODES, sort: 'hostname:asc' }).then(
      (page) => this.set(new Map(page.items.map((n) => [n.id, n]))),
      () => {
        this.loading = null; // the interceptor reported it; try again next time
      },
    );
    return this.loading;
  }

  /** Hostname of a node, or its short id while unknown; reactive in templates. */
  hostname(nodeId: string | null): string {
    if (!nodeId) return '—';
    return this.byId().get(nodeId)?.hostname ?? nodeId.slice(0, 8);
  }

  private set(map: Map<string, Node>): void {
    this.byId.set(map);
    this.nodes.set([...map.values()].sort((a, b) => a.hostname.localeCompare(b.hostname)));
  }
}

import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Network } from '@paddock/protocol/api/networks';
import { NetworksApi } from '../../core/api/networks.api';
import { LiveEvents } from '../../core/live/live-events.service';

/** Networks are few (a handful of bridges); one page of the API's maximum holds them all. */
const ALL = 500;

/**
 * The networks the page shows, shared by the list and the create dialog. Networks change only
 * through this API (no tasks, no live events of their own), so the list follows its own calls and
 * reloads after a reconnection of the live stream (someone else may have changed it meanwhile).
 */
@Injectable()
export class NetworkStore {
  private readonly api = inject(NetworksApi);
  readonly networks = signal<Network[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);

  constructor() {
    inject(LiveEvents)
      .resync$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe(() => void this.load());
  }

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      const page = await this.api.list({ pageSize: ALL, sort: 'name:asc' });
      this.networks.set(page.items);
      this.total.set(page.total);
    } finally {
      this.loading.set(false);
    }
  }

  add(network: Network): void {
    this.networks.update((list) => [...list, network].sort((a, b) => a.name.localeCompare(b.name)));
    this.total.update((n) => n + 1);
  }

  remove(id: string): void {
    this.networks.update((list) => list.filter((n) => n.id !== id));
    this.total.update((n) => Math.max(0, n - 1));
  }
}

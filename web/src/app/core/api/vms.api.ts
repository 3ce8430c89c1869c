import { Injectable, inject } from '@angular/core';
import type { ClonePost, Snapshot, SnapshotAccepted, SnapshotsPost } from '@paddock/protocol/api/snapshots';
import type { TaskAccepted } from '@paddock/protocol/api/storage';
import type { ConsoleTicket } from '@paddock/protocol/api/consoles';
import type {
  PlacementAnswer,
  ShutdownBody,
  Vm,
  VmAccepted,
  VmAction,
  VmPatch,
  VmsPost,
} from '@paddock/protocol/api/vms';
import type { Task } from '@paddock/protocol/api/tasks';
import { ApiClient, type CallOptions, type ListParams, type Page, pathOf } from './api-client';

export interface VmListParams extends ListParams {
  status?: string;
  nodeId?: string;
  managed?: boolean;
  tag?: string;
}

/** `/api/vms`: virtual machines, their actions, snapshots, clones and consoles. */
@Injectable({ providedIn: 'root' })
export class VmsApi {
  private readonly api = inject(ApiClient);

  list(params: VmListParams = {}): Promise<Page<Vm>> {
    return this.api.list<Vm>('/api/vms', { ...params });
  }

  get(id: string, options?: CallOptions): Promise<Vm> {
    return this.api.get<Vm>(pathOf('/api/vms', id), undefined, options);
  }

  create(body: VmsPost): Promise<VmAccepted> {
    return this.api.post<VmAccepted>('/api/vms', body);
  }

  preview(body: VmsPost): Promise<PlacementAnswer> {
    return this.api.post<PlacementAnswer>('/api/vms/placement-preview', body);
  }

  update(id: string, patch: VmPatch): Promise<{ vm: Vm; task?: Task }> {
    return this.api.patch<{ vm: Vm; task?: Task }>(pathOf('/api/vms', id), patch);
  }

  delete(id: string, deleteDisks: boolean): Promise<TaskAccepted> {
    return this.api.delete<TaskAccepted>(pathOf('/api/vms', id), { deleteDisks });
  }

  action(id: string, action: VmAction, options?: ShutdownBody): Promise<TaskAccepted> {
    return this.api.post<TaskAccepted>(pathOf('/api/vms', id, action), options ?? {});
  }

  bulk(action: VmAction, ids: string[], options?: ShutdownBody): Promise<TaskAccepted> {
    return this.api.post<TaskAccepted>('/api/vms/bulk', { action, ids, ...(options ? { options } : {}) });
  }

  adopt(id: string): Promise<Vm> {
    return this.api.post<Vm>(pathOf('/api/vms', id, 'adopt'));
  }

  clone(id: string, body: ClonePost): Promise<VmAccepted> {
    return this.api.post<VmAccepted>(pathOf('/api/vms', id, 'clone'), body);
  }

  snapshots(id: string): Promise<Snapshot[]> {
    return this.api.get<Snapshot[]>(pathOf('/api/vms', id, 'snapshots'));
  }

  createSnapshot(id: string, body: SnapshotsPost): Promise<SnapshotAccepted> {
    return this.api.post<SnapshotAccepted>(pathOf('/api/vms', id, 'snapshots'), body);
  }

  revertSnapshot(id: string, snapshotId: string): Promise<TaskAccepted> {
    return this.api.post<TaskAccepted>(pathOf('/api/vms', id, 'snapshots', snapshotId, 'revert'));
  }

  deleteSnapshot(id: string, snapshotId: string): Promise<TaskAccepted> {
    return this.api.delete<TaskAccepted>(pathOf('/api/vms', id, 'snapshots', snapshotId));
  }

  consoleTicket(id: string, type: 'vnc' | 'serial'): Promise<ConsoleTicket> {
    return this.api.post<ConsoleTicket>(pathOf('/api/vms', id, 'console'), { type });
  }
}

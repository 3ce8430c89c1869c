import { Injectable, inject } from '@angular/core';
import type { Task, TaskDetail, TaskStatus } from '@paddock/protocol/api/tasks';
import { ApiClient, type ListParams, type Page, pathOf } from './api-client';

export interface TaskListParams extends ListParams {
  type?: string;
  status?: TaskStatus;
  targetType?: string;
  targetId?: string;
  userId?: string;
  parentId?: string;
  /** Only tasks without a parent (children are listed with `parentId`). */
  root?: boolean;
}

/** `/api/tasks`: the job center. */
@Injectable({ providedIn: 'root' })
export class TasksApi {
  private readonly api = inject(ApiClient);

  list(params: TaskListParams = {}): Promise<Page<Task>> {
    return this.api.list<Task>('/api/tasks', { ...params });
  }

  get(id: string): Promise<TaskDetail> {
    return this.api.get<TaskDetail>(pathOf('/api/tasks', id));
  }

  cancel(id: string): Promise<Task> {
    return this.api.post<Task>(pathOf('/api/tasks', id, 'cancel'));
  }

  retry(id: string): Promise<Task> {
    return this.api.post<Task>(pathOf('/api/tasks', id, 'retry'));
  }
}

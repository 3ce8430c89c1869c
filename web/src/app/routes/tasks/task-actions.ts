import { Injectable, inject } from '@angular/core';
import type { Task } from '@paddock/protocol/api/tasks';
import { NzMessageService } from 'ng-zorro-antd/message';
import { TasksApi } from '../../core/api/tasks.api';
import { I18nService } from '../../core/i18n/i18n.service';

/** Cancel and retry, shared by the list and the drawer; errors are reported by the interceptor. */
@Injectable()
export class TaskActions {
  private readonly api = inject(TasksApi);
  private readonly message = inject(NzMessageService);
  private readonly i18n = inject(I18nService);

  async cancel(task: Task): Promise<Task | null> {
    try {
      const updated = await this.api.cancel(task.id);
      this.message.success(
        this.i18n.t(updated.status === 'cancelled' ? 'tasks.cancelled' : 'tasks.cancelRequested'),
      );
      return updated;
    } catch {
      return null;
    }
  }

  async retry(task: Task): Promise<Task | null> {
    try {
      const updated = await this.api.retry(task.id);
      this.message.success(this.i18n.t('tasks.retried'));
      return updated;
    } catch {
      return null;
    }
  }
}

import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { NzProgressModule } from 'ng-zorro-antd/progress';
import { NzTableModule } from 'ng-zorro-antd/table';
import { WhenPipe } from '../../../shared/format.pipes';
import { StateTagComponent } from '../../../shared/state-tag.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { VmDetailStore } from './vm-detail.store';

/** The VM's recent tasks with live progress; each links to the job center. */
@Component({
  selector: 'pd-vm-tasks-tab',
  imports: [RouterLink, NzProgressModule, NzTableModule, StateTagComponent, TranslatePipe, WhenPipe],
  template: `
    <nz-table
      id="vm-tasks"
      #table
      [nzData]="store.tasks()"
      [nzFrontPagination]="false"
      [nzShowPagination]="false"
      nzSize="small"
      [nzScroll]="{ x: '760px' }"
      [nzNoResult]="'vmDetail.tasks.none' | t"
    >
      <thead>
        <tr>
          <th>{{ 'common.type' | t }}</th>
          <th>{{ 'common.status' | t }}</th>
          <th>{{ 'vmDetail.tasks.progress' | t }}</th>
          <th>{{ 'common.created' | t }}</th>
          <th>{{ 'vmDetail.tasks.error' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (task of table.data; track task.id) {
          <tr [id]="'task-row-' + task.id" [attr.data-type]="task.type" [attr.data-status]="task.status">
            <td>
              <a [routerLink]="['/tasks']" [queryParams]="{ id: task.id }">{{ task.type }}</a>
            </td>
            <td><pd-state-tag [state]="task.status" /></td>
            <td class="progress">
              <nz-progress
                [nzPercent]="task.progress"
                nzSize="small"
                [nzStatus]="task.status === 'failed' ? 'exception' : task.status === 'running' ? 'active' : 'normal'"
                [attr.aria-label]="'vmDetail.taskProgress' | t: { type: task.type }"
              />
            </td>
            <td>{{ task.createdAt | when }}</td>
            <td class="error">{{ task.error?.message ?? '' }}</td>
          </tr>
        }
      </tbody>
    </nz-table>
    <p class="more">
      <a [routerLink]="['/tasks']" [queryParams]="{ targetId: store.vm()?.id }">{{ 'vmDetail.tasks.all' | t }}</a>
    </p>
  `,
  styles: `
    .progress {
      min-width: 160px;
    }
    .error {
      max-width: 320px;
      word-break: break-word;
    }
    .more {
      margin-top: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmTasksTab {
  protected readonly store = inject(VmDetailStore);
}

import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { AuditLog, AuditQuery } from '@paddock/protocol/api/audit';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzDatePickerModule } from 'ng-zorro-antd/date-picker';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { AuditApi } from '../../core/api/audit.api';
import { I18nService } from '../../core/i18n/i18n.service';
import { WhenPipe } from '../../shared/format.pipes';
import { PageHeaderComponent } from '../../shared/page-header.component';
import { TranslatePipe } from '../../shared/translate.pipe';

type Outcome = NonNullable<AuditQuery['outcome']>;

/** What the filter form holds; text fields are applied on Enter or when they lose focus. */
interface AuditFilters {
  username: string;
  action: string;
  targetType: string;
  targetId: string;
  outcome: Outcome | null;
  range: Date[];
}

const EMPTY: AuditFilters = {
  username: '',
  action: '',
  targetType: '',
  targetId: '',
  outcome: null,
  range: [],
};
const OUTCOME_COLOURS: Record<string, string> = { success: 'green', failure: 'red', denied: 'orange' };

/** The audit log: who changed what and how it ended, filtered and paged by the appliance. */
@Component({
  selector: 'pd-audit-log-page',
  imports: [
    FormsModule,
    NzButtonModule,
    NzDatePickerModule,
    NzFormModule,
    NzIconModule,
    NzInputModule,
    NzSelectModule,
    NzTableModule,
    NzTagModule,
    PageHeaderComponent,
    TranslatePipe,
    WhenPipe,
  ],
  templateUrl: './audit-log.page.html',
  styles: `
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 16px;
      margin-bottom: 16px;
    }
    .filters nz-form-item {
      margin-bottom: 0;
    }
    .filters input {
      width: 150px;
    }
    .filters nz-select {
      width: 140px;
    }
    pre {
      margin: 0;
      max-height: 320px;
      overflow: auto;
      white-space: pre-wrap;
      word-break: break-word;
    }
    code {
      font-size: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditLogPage {
  private readonly api = inject(AuditApi);
  private readonly i18n = inject(I18nService);

  protected readonly outcomes: readonly Outcome[] = ['success', 'failure', 'denied'];
  protected readonly filters = signal<AuditFilters>(EMPTY);
  protected readonly rows = signal<AuditLog[]>([]);
  protected readonly total = signal(0);
  protected readonly page = signal(1);
  protected readonly pageSize = signal(20);
  protected readonly loading = signal(false);
  protected readonly expanded = signal<ReadonlySet<number>>(new Set());
  private loadSeq = 0;

  protected readonly outcomeColour = (outcome: string) => OUTCOME_COLOURS[outcome] ?? 'default';
  protected readonly outcomeLabel = (outcome: string) =>
    this.i18n.lookup(`audit.outcome.${outcome}`) ?? outcome;

  constructor() {
    effect(() => {
      this.filters();
      this.page();
      this.pageSize();
      untracked(() => void this.load());
    });
  }

  protected async load(): Promise<void> {
    const f = this.filters();
    const seq = ++this.loadSeq;
    this.loading.set(true);
    try {
      const page = await this.api.search({
        page: this.page(),
        pageSize: this.pageSize(),
        username: f.username || undefined,
        action: f.action || undefined,
        targetType: f.targetType || undefined,
        targetId: f.targetId || undefined,
        outcome: f.outcome ?? undefined,
        from: f.range[0]?.toISOString(),
        to: f.range[1]?.toISOString(),
      });
      if (seq !== this.loadSeq) return;
      this.rows.set(page.items);
      this.total.set(page.total);
    } catch {
      // The interceptor has said why.
    } finally {
      if (seq === this.loadSeq) this.loading.set(false);
    }
  }

  protected set<K extends keyof AuditFilters>(name: K, value: AuditFilters[K]): void {
    const next = typeof value === 'string' ? (value.trim() as AuditFilters[K]) : value;
    if (this.filters()[name] === next) return;
    this.page.set(1);
    this.filters.update((f) => ({ ...f, [name]: next }));
  }

  protected clear(): void {
    this.page.set(1);
    this.filters.set(EMPTY);
  }

  protected filtered(): boolean {
    const f = this.filters();
    return Boolean(f.username || f.action || f.targetType || f.targetId || f.outcome || f.range.length);
  }

  protected toggle(id: number, open: boolean): void {
    const next = new Set(this.expanded());
    if (open) next.add(id);
    else next.delete(id);
    this.expanded.set(next);
  }

  protected detail(row: AuditLog): string {
    return JSON.stringify(row.detail ?? {}, null, 2);
  }
}

import { HttpContext } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type OnInit,
  inject,
  input,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Title } from '@angular/platform-browser';
import { isDeleted } from '@paddock/protocol/api/events';
import type { Vm } from '@paddock/protocol/api/vms';
import { NzResultModule } from 'ng-zorro-antd/result';
import { NzSpinModule } from 'ng-zorro-antd/spin';
import { VmsApi } from '../../../core/api/vms.api';
import { SILENT_ERRORS } from '../../../core/http/request-flags';
import { I18nService } from '../../../core/i18n/i18n.service';
import { LiveEvents } from '../../../core/live/live-events.service';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { type ConsoleKind, errorMessage } from './console-client';
import { ConsolePanelComponent } from './console-panel.component';

/**
 * `/vms/:id/console?type=serial|vnc`: one VM's console alone, filling its window (opened from the
 * VM page's "open in a new window"). A top-level route: no shell around it.
 */
@Component({
  selector: 'pd-console-window-page',
  imports: [ConsolePanelComponent, NzResultModule, NzSpinModule, TranslatePipe],
  template: `
    <main class="window" id="console-window">
      @if (vm(); as vm) {
        <h1 class="title" id="page-title">{{ vm.name }}</h1>
        <pd-console-panel class="panel" [vm]="vm" [(kind)]="kind" [standalone]="true" />
      } @else if (error(); as error) {
        <nz-result nzStatus="404" [nzTitle]="'vmDetail.notFound' | t" [nzSubTitle]="error" />
      } @else {
        <nz-spin nzSimple [nzTip]="'common.loading' | t" />
      }
    </main>
  `,
  styles: `
    .window {
      position: fixed;
      inset: 0;
      z-index: 1000;
      display: flex;
      flex-direction: column;
      padding: 8px;
      background: Canvas;
      color: CanvasText;
    }
    .title {
      margin: 0 0 8px;
      font-size: 16px;
      font-weight: 600;
    }
    .panel {
      flex: 1;
      min-height: 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConsoleWindowPage implements OnInit {
  private readonly vms = inject(VmsApi);
  private readonly live = inject(LiveEvents);
  private readonly title = inject(Title);
  private readonly i18n = inject(I18nService);
  private readonly destroyRef = inject(DestroyRef);
  /** Route parameter and `?type=`, bound by the router. */
  readonly id = input.required<string>();
  readonly type = input<string | undefined>();

  protected readonly vm = signal<Vm | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly kind = signal<ConsoleKind>('serial');

  ngOnInit(): void {
    this.kind.set(this.type() === 'vnc' ? 'vnc' : 'serial');
    const id = this.id();
    const load = () =>
      this.vms.get(id, { context: new HttpContext().set(SILENT_ERRORS, true) }).then(
        (vm) => this.show(vm),
        (error: unknown) => this.error.set(errorMessage(error)),
      );
    void load();
    // The console appears when the VM starts and reports why it closed when it stops.
    this.live
      .on('vm', id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((event) => {
        if (isDeleted(event.data)) {
          this.vm.set(null);
          this.error.set(this.i18n.t('console.vmDeleted'));
        } else this.show(event.data);
      });
    this.live.resync$.pipe(takeUntilDestroyed(this.destroyRef)).subscribe(() => void load());
  }

  private show(vm: Vm): void {
    this.vm.set(vm);
    this.title.setTitle(this.i18n.t('console.windowTitle', { name: vm.name }));
  }
}

import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NzSpinModule } from 'ng-zorro-antd/spin';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { ConsolePanelComponent } from '../console/console-panel.component';
import type { ConsoleKind } from '../console/console-client';
import { VmDetailStore } from './vm-detail.store';

/**
 * The console tab. The panel is deferred: its code, and with it the xterm.js stylesheet, loads
 * when this tab first opens (noVNC and xterm.js themselves load when a console connects).
 * Leaving the tab destroys the panel, which closes the console's connection.
 */
@Component({
  selector: 'pd-vm-console-tab',
  imports: [ConsolePanelComponent, NzSpinModule, TranslatePipe],
  template: `
    @if (store.vm(); as vm) {
      @defer (on immediate) {
        <pd-console-panel id="vm-console" [vm]="vm" [(kind)]="kind" />
      } @placeholder {
        <nz-spin nzSimple [nzTip]="'common.loading' | t" />
      }
    }
  `,
  styles: `
    :host {
      display: block;
      height: max(420px, calc(100vh - 300px));
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmConsoleTab {
  protected readonly store = inject(VmDetailStore);
  protected readonly kind = signal<ConsoleKind>('serial');
}

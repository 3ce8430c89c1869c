import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  inject,
  input,
  model,
  signal,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';
import type { Vm } from '@paddock/protocol/api/vms';
import { NzBadgeModule } from 'ng-zorro-antd/badge';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzResultModule } from 'ng-zorro-antd/result';
import { StateTagComponent } from '../../../shared/state-tag.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import type { ConnectionState, ConsoleClient, ConsoleKind } from './console-client';
import { CONSOLE_ICONS } from './icons';
import { SerialConsoleComponent } from './serial-console.component';
import { VncConsoleComponent } from './vnc-console.component';

const BADGE: Record<ConnectionState, 'default' | 'processing' | 'success' | 'error'> = {
  idle: 'default',
  connecting: 'processing',
  connected: 'success',
  disconnected: 'error',
};

/**
 * A VM's console with its toolbar: VNC/serial switch, connection state and reason, reconnect,
 * Ctrl-Alt-Del, fullscreen and "open in a new window". Shows the client only while the VM runs
 * (or is paused); the client it shows owns the connection and closes it when it goes away.
 */
@Component({
  selector: 'pd-console-panel',
  imports: [
    NzBadgeModule,
    NzButtonModule,
    NzIconModule,
    NzResultModule,
    SerialConsoleComponent,
    StateTagComponent,
    TranslatePipe,
    VncConsoleComponent,
  ],
  providers: [CONSOLE_ICONS],
  templateUrl: './console-panel.component.html',
  styleUrl: './console-panel.component.css',
  host: { '(document:fullscreenchange)': 'fullscreenChanged()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConsolePanelComponent {
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  readonly vm = input.required<Vm>();
  readonly kind = model<ConsoleKind>('serial');
  /** In its own window: no "open in a new window". */
  readonly standalone = input(false);

  private readonly vnc = viewChild(VncConsoleComponent);
  private readonly serial = viewChild(SerialConsoleComponent);
  protected readonly client = computed<ConsoleClient | undefined>(() => this.vnc() ?? this.serial());
  protected readonly state = computed<ConnectionState>(() => this.client()?.state() ?? 'idle');
  protected readonly reason = computed(() => this.client()?.reason() ?? null);
  protected readonly badge = computed(() => BADGE[this.state()]);
  /** A console exists only while QEMU runs. */
  protected readonly available = computed(() => ['running', 'paused'].includes(this.vm().status));
  protected readonly fullscreen = signal(false);

  protected reconnect(): void {
    this.client()?.connect();
  }

  protected ctrlAltDel(): void {
    this.vnc()?.sendCtrlAltDel();
    this.vnc()?.focus();
  }

  protected toggleFullscreen(): void {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void this.host.nativeElement.requestFullscreen().catch(() => undefined);
  }

  protected fullscreenChanged(): void {
    this.fullscreen.set(document.fullscreenElement === this.host.nativeElement);
    this.client()?.focus();
  }

  /** The same console alone in a window of its own (`/vms/:id/console?type=`). */
  protected popOut(): void {
    const url = this.router.serializeUrl(
      this.router.createUrlTree(['/vms', this.vm().id, 'console'], { queryParams: { type: this.kind() } }),
    );
    window.open(url, `paddock-console-${this.vm().id}-${this.kind()}`, 'popup,width=1024,height=768');
  }

  protected stateKey(state: ConnectionState) {
    return `console.state.${state}` as const;
  }
}

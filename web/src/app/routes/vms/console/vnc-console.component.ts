import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  type OnDestroy,
  afterNextRender,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import type RFB from '@novnc/novnc';
import { I18nService } from '../../../core/i18n/i18n.service';
import {
  type ConnectionState,
  type ConsoleClient,
  ConsoleSockets,
  closeReason,
  errorMessage,
} from './console-client';

/**
 * The graphical console: noVNC on the VM's VNC display. This component owns the RFB object (and
 * through it the socket) and disconnects it when destroyed. noVNC is imported when the component
 * first renders, so it is in no bundle until a VNC console opens.
 */
@Component({
  selector: 'pd-vnc-console',
  template: `<div #screen class="screen" id="vnc-screen"></div>`,
  styles: `
    :host {
      display: block;
      height: 100%;
      min-height: 0;
    }
    .screen {
      width: 100%;
      height: 100%;
      min-height: 240px;
      background: #282828;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VncConsoleComponent implements ConsoleClient, OnDestroy {
  private readonly sockets = inject(ConsoleSockets);
  private readonly i18n = inject(I18nService);
  private readonly screen = viewChild.required<ElementRef<HTMLElement>>('screen');
  readonly vmId = input.required<string>();

  readonly state = signal<ConnectionState>('idle');
  readonly reason = signal<string | null>(null);

  private rfbClass: typeof RFB | undefined;
  private rfb: RFB | undefined;
  private generation = 0;
  private destroyed = false;

  constructor() {
    afterNextRender(() => void this.start());
  }

  private async start(): Promise<void> {
    this.state.set('connecting');
    this.rfbClass = (await import('@novnc/novnc')).default;
    if (!this.destroyed) this.connect();
  }

  connect(): void {
    const RfbClass = this.rfbClass;
    if (!RfbClass) return;
    const generation = ++this.generation;
    this.release();
    this.state.set('connecting');
    this.reason.set(null);
    this.sockets.open(this.vmId(), 'vnc').then(
      (socket) => {
        if (generation !== this.generation) {
          socket.close(1000, 'replaced');
          return;
        }
        // The socket's own close reason (e.g. "domain stopped") says more than noVNC's event.
        let closedBecause: string | null = null;
        socket.addEventListener('close', (event) => {
          closedBecause = closeReason(event);
        });
        const rfb = new RfbClass(this.screen().nativeElement, socket, { shared: true });
        rfb.scaleViewport = true;
        rfb.background = 'transparent';
        rfb.addEventListener('connect', () => {
          if (this.rfb !== rfb) return;
          this.state.set('connected');
          this.labelCanvas();
          rfb.focus();
        });
        rfb.addEventListener('disconnect', (event) => {
          if (this.rfb !== rfb) return;
          this.rfb = undefined;
          const clean = (event as CustomEvent<{ clean: boolean }>).detail?.clean;
          this.state.set('disconnected');
          this.reason.set(closedBecause ?? this.i18n.t(clean ? 'console.closed' : 'console.failed'));
        });
        this.rfb = rfb;
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.state.set('disconnected');
        this.reason.set(errorMessage(error));
      },
    );
  }

  disconnect(): void {
    this.generation++;
    this.release();
    this.state.set('disconnected');
    this.reason.set(this.i18n.t('console.closedByYou'));
  }

  focus(): void {
    this.rfb?.focus();
  }

  /** Ctrl+Alt+Del into the guest (only while connected). */
  sendCtrlAltDel(): void {
    this.rfb?.sendCtrlAltDel();
  }

  ngOnDestroy(): void {
    this.destroyed = true;
    this.generation++;
    this.release();
  }

  private release(): void {
    const rfb = this.rfb;
    this.rfb = undefined;
    // disconnect() closes the socket and removes noVNC's elements from the screen.
    rfb?.disconnect();
  }

  // noVNC's canvas has no name; screen readers and axe need one.
  private labelCanvas(): void {
    const canvas = this.screen().nativeElement.querySelector('canvas');
    canvas?.setAttribute('aria-label', this.i18n.t('console.vncScreen'));
    canvas?.setAttribute('role', 'application');
  }
}

import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  type OnDestroy,
  ViewEncapsulation,
  afterNextRender,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import type { FitAddon } from '@xterm/addon-fit';
import type { Terminal } from '@xterm/xterm';
import { I18nService } from '../../../core/i18n/i18n.service';
import { TranslatePipe } from '../../../shared/translate.pipe';
import {
  type ConnectionState,
  type ConsoleClient,
  ConsoleSockets,
  closeReason,
  errorMessage,
} from './console-client';

/**
 * The serial console: xterm.js on the VM's serial port. This component owns the terminal, its
 * fit addon and the socket, and disposes of all three when it is destroyed. xterm.js is imported
 * when the component first renders, so it is not in any bundle until a serial console opens.
 * Its stylesheet comes with this component (unencapsulated: xterm builds its own DOM).
 */
@Component({
  selector: 'pd-serial-console',
  template: `<div #screen class="pd-serial-screen" [attr.aria-label]="'console.serialScreen' | t"></div>`,
  styleUrls: ['./serial-console.component.css'],
  encapsulation: ViewEncapsulation.None,
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SerialConsoleComponent implements ConsoleClient, OnDestroy {
  private readonly sockets = inject(ConsoleSockets);
  private readonly i18n = inject(I18nService);
  private readonly screen = viewChild.required<ElementRef<HTMLElement>>('screen');
  readonly vmId = input.required<string>();

  readonly state = signal<ConnectionState>('idle');
  readonly reason = signal<string | null>(null);

  private terminal: Terminal | undefined;
  private fit: FitAddon | undefined;
  private socket: WebSocket | undefined;
  private resize: ResizeObserver | undefined;
  private readonly encoder = new TextEncoder();
  // Bumped by every connect/disconnect/destroy, so a slow ticket request cannot resurrect a socket.
  private generation = 0;
  private destroyed = false;

  constructor() {
    afterNextRender(() => void this.start());
  }

  private async start(): Promise<void> {
    this.state.set('connecting');
    const [{ Terminal }, { FitAddon }] = await Promise.all([
      import('@xterm/xterm'),
      import('@xterm/addon-fit'),
    ]);
    if (this.destroyed) return;
    const terminal = new Terminal({
      cursorBlink: true,
      convertEol: false,
      scrollback: 5000,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 14,
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(this.screen().nativeElement);
    // Keystrokes leave as UTF-8 bytes in binary frames; onBinary carries raw bytes (mouse reports).
    terminal.onData((data) => this.send(this.encoder.encode(data)));
    terminal.onBinary((data) => this.send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
    this.terminal = terminal;
    this.fit = fit;
    this.resize = new ResizeObserver(() => this.fitToHost());
    this.resize.observe(this.screen().nativeElement);
    this.fitToHost();
    this.connect();
  }

  connect(): void {
    if (!this.terminal) return;
    const generation = ++this.generation;
    this.closeSocket();
    this.state.set('connecting');
    this.reason.set(null);
    this.sockets.open(this.vmId(), 'serial').then(
      (socket) => {
        if (generation !== this.generation) {
          socket.close(1000, 'replaced');
          return;
        }
        this.attach(socket);
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
    this.closeSocket();
    this.state.set('disconnected');
    this.reason.set(this.i18n.t('console.closedByYou'));
  }

  focus(): void {
    this.terminal?.focus();
  }

  ngOnDestroy(): void {
    this.destroyed = true;
    this.generation++;
    this.closeSocket();
    this.resize?.disconnect();
    this.terminal?.dispose();
    this.terminal = undefined;
  }

  private attach(socket: WebSocket): void {
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.state.set('connected');
      this.terminal?.focus();
      // The guest echoes nothing until spoken to: a carriage return brings up its prompt.
      this.send(this.encoder.encode('\r'));
    });
    socket.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
      this.terminal?.write(typeof event.data === 'string' ? event.data : new Uint8Array(event.data));
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.state.set('disconnected');
      this.reason.set(closeReason(event));
    });
  }

  private send(bytes: Uint8Array<ArrayBuffer>): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(bytes);
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'closed by the console');
  }

  private fitToHost(): void {
    const host = this.screen().nativeElement;
    // A hidden host (fullscreen switch, tab change) measures 0: fitting then would shrink to 1x1.
    if (host.clientWidth > 0 && host.clientHeight > 0) this.fit?.fit();
  }
}

import { Injectable, inject } from '@angular/core';
import type { Signal } from '@angular/core';
import { VmsApi } from '../../../core/api/vms.api';
import { API_BASE } from '../../../core/http/api-base';

export type ConsoleKind = 'vnc' | 'serial';

/** `idle` before the first attempt; `disconnected` carries its reason. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'disconnected';

/** What the console toolbar needs from whichever client (VNC or serial) is shown. */
export interface ConsoleClient {
  readonly state: Signal<ConnectionState>;
  readonly reason: Signal<string | null>;
  connect(): void;
  disconnect(): void;
  focus(): void;
}

/**
 * Opens a console's WebSocket: a single-use ticket from `POST /api/vms/{id}/console`, then
 * `ws(s)://<appliance>/ws/console?ticket=…`. The socket takes binary frames both ways; the
 * caller sends bytes, never text frames (the appliance treats text frames with suspicion).
 */
@Injectable({ providedIn: 'root' })
export class ConsoleSockets {
  private readonly vms = inject(VmsApi);
  private readonly base = inject(API_BASE);

  async open(vmId: string, kind: ConsoleKind): Promise<WebSocket> {
    const ticket = await this.vms.consoleTicket(vmId, kind);
    // Same joining as the API interceptor: base (origin plus optional prefix) + the path.
    const url = new URL(`${this.base || window.location.origin}${ticket.url}`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    return socket;
  }
}

/** The close reason a person can read: the appliance's words, or the code. */
export function closeReason(event: CloseEvent): string {
  return event.reason || `code ${event.code}`;
}

/** The appliance's message from a failed API call (HttpErrorResponse), or the error's own. */
export function errorMessage(error: unknown): string {
  const body = (error as { error?: { error?: { message?: string } } } | null)?.error?.error;
  if (body?.message) return body.message;
  return error instanceof Error ? error.message : String(error);
}

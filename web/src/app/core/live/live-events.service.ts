import { DestroyRef, Injectable, effect, inject, signal, untracked } from '@angular/core';
import type { LiveEvent, LiveEventKind } from '@paddock/protocol/api/events';
import { Observable, Subject, filter } from 'rxjs';
import { AuthService } from '../auth/auth.service';
import { API_BASE } from '../http/api-base';
import { SseParser } from './sse-parser';

/** `connecting` until the first byte of a stream; `down` while waiting to retry. */
export type LiveState = 'off' | 'connecting' | 'live' | 'down';

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * The console's one reader of `GET /api/events`. It runs while a session exists, reconnects with
 * exponential backoff (jittered, so many consoles do not return at once after an appliance
 * restart), refreshes the token on a 401, and announces each reconnection on `resync$`: events
 * sent while the stream was down are lost, so pages reload what they show.
 *
 * `fetch`, not `EventSource`: EventSource cannot send the bearer header, and a token in the URL
 * would end up in logs.
 */
@Injectable({ providedIn: 'root' })
export class LiveEvents {
  private readonly auth = inject(AuthService);
  private readonly base = inject(API_BASE);
  private readonly subject = new Subject<LiveEvent>();
  private readonly resyncSubject = new Subject<void>();
  private readonly stateSignal = signal<LiveState>('off');
  private abort: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private hadStream = false;

  readonly state = this.stateSignal.asReadonly();
  /** Every event the signed-in user may read. */
  readonly events$: Observable<LiveEvent> = this.subject.asObservable();
  /** Fires after the stream came back from an interruption: reload what the page shows. */
  readonly resync$: Observable<void> = this.resyncSubject.asObservable();

  constructor() {
    effect(() => {
      const signedIn = this.auth.hasSession();
      untracked(() => (signedIn ? this.start() : this.stop()));
    });
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /** Events of one kind, optionally of one object. */
  on<K extends LiveEventKind>(kind: K, id?: string): Observable<Extract<LiveEvent, { kind: K }>> {
    return this.events$.pipe(
      filter(
        (e): e is Extract<LiveEvent, { kind: K }> => e.kind === kind && (id === undefined || e.id === id),
      ),
    );
  }

  private start(): void {
    if (this.abort) return;
    this.connect();
  }

  private stop(): void {
    clearTimeout(this.retryTimer);
    this.abort?.abort();
    this.abort = null;
    this.hadStream = false;
    this.failures = 0;
    this.stateSignal.set('off');
  }

  private connect(): void {
    const abort = new AbortController();
    this.abort = abort;
    this.stateSignal.set('connecting');
    void this.read(abort.signal).then(
      () => this.retry(abort),
      () => this.retry(abort),
    );
  }

  private async read(signal: AbortSignal): Promise<void> {
    const response = await this.open(signal);
    if (!response.body) throw new Error('no stream');
    if (this.hadStream) this.resyncSubject.next();
    this.hadStream = true;
    this.failures = 0;
    this.stateSignal.set('live');
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (const message of parser.push(decoder.decode(value, { stream: true }))) this.dispatch(message);
    }
  }

  private async open(signal: AbortSignal): Promise<Response> {
    const send = (token: string | null) =>
      fetch(`${this.base}/api/events`, {
        headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        signal,
        cache: 'no-store',
      });
    let response = await send(this.auth.accessToken());
    if (response.status === 401) {
      // The interceptor's refresh is shared, so this never spends a refresh token twice.
      response = await send(await this.auth.refreshAccessToken());
    }
    if (!response.ok) throw new Error(`events: HTTP ${response.status}`);
    return response;
  }

  private dispatch(message: { event: string; data: string }): void {
    if (message.event !== 'task' && message.event !== 'vm' && message.event !== 'node') return;
    try {
      const parsed = JSON.parse(message.data) as Omit<LiveEvent, 'kind'> & { kind?: string };
      this.subject.next({ ...parsed, kind: message.event } as LiveEvent);
    } catch {
      // A malformed line must not end the stream.
    }
  }

  private retry(abort: AbortController): void {
    if (this.abort !== abort || abort.signal.aborted) return;
    this.abort = null;
    if (!this.auth.hasSession()) {
      this.stop();
      return;
    }
    this.failures++;
    this.stateSignal.set('down');
    const ceiling = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(this.failures - 1, 5));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.retryTimer = setTimeout(() => {
      if (!this.abort && this.auth.hasSession()) this.connect();
    }, delay);
  }
}

import { HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject, type Signal, signal } from '@angular/core';
import type { UploadQuery, VolumeAccepted } from '@paddock/protocol/api/storage';
import { StorageApi } from '../../../core/api/storage.api';
import { AuthService } from '../../../core/auth/auth.service';
import { API_BASE } from '../../../core/http/api-base';
import { ErrorNotifier } from '../../../core/http/error-notifier.service';

/** Where an upload stands; `rate` in bytes per second over the last few seconds. */
export interface UploadProgress {
  phase: 'sending' | 'finishing' | 'done' | 'failed' | 'cancelled';
  sent: number;
  total: number;
  rate: number;
  /** Seconds left at the current rate; null until there is a rate. */
  eta: number | null;
}

/** One upload in flight: its progress, its outcome, and a way to stop it. */
export interface UploadHandle {
  readonly progress: Signal<UploadProgress>;
  /** The created volume; rejects with UploadCancelled after cancel(), or with the HTTP failure. */
  readonly done: Promise<VolumeAccepted>;
  cancel(): void;
}

export class UploadCancelled extends Error {
  constructor() {
    super('upload cancelled');
  }
}

const RATE_WINDOW_MS = 3_000;

/**
 * Streams a File as the raw body of `POST /api/storage/pools/{id}/upload`.
 *
 * The one sanctioned API call outside ApiClient/HttpClient: HttpClient cannot report upload
 * progress of a streamed body (with `reportProgress` it still hands the Blob to fetch/XHR, but
 * the fetch backend this app uses has no upload progress at all, and a ReadableStream body would
 * need HTTP/2 with `duplex: 'half'`). XMLHttpRequest sends a File straight from disk — the browser
 * never reads it into page memory — and reports bytes sent through `xhr.upload.onprogress`. So it
 * does here what the interceptor does elsewhere: base URL, bearer token, one refresh on 401,
 * translated error notification.
 */
@Injectable({ providedIn: 'root' })
export class UploadService {
  private readonly storage = inject(StorageApi);
  private readonly auth = inject(AuthService);
  private readonly base = inject(API_BASE);
  private readonly notifier = inject(ErrorNotifier);

  upload(poolId: string, query: UploadQuery, file: File): UploadHandle {
    const url = `${this.base}${this.storage.uploadPath(poolId, query)}`;
    const progress = signal<UploadProgress>({
      phase: 'sending',
      sent: 0,
      total: file.size,
      rate: 0,
      eta: null,
    });
    let xhr: XMLHttpRequest | null = null;
    let cancelled = false;

    const send = (token: string | null) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const request = new XMLHttpRequest();
        xhr = request;
        const samples: { at: number; sent: number }[] = [{ at: performance.now(), sent: 0 }];
        request.open('POST', url);
        request.responseType = 'json';
        if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
        request.setRequestHeader('content-type', 'application/octet-stream');
        request.upload.onprogress = (event) => {
          const now = performance.now();
          samples.push({ at: now, sent: event.loaded });
          while (samples.length > 2 && now - samples[0]!.at > RATE_WINDOW_MS) samples.shift();
          const first = samples[0]!;
          const seconds = (now - first.at) / 1000;
          const rate = seconds > 0 ? (event.loaded - first.sent) / seconds : 0;
          const total = event.lengthComputable ? event.total : file.size;
          progress.set({
            phase: event.loaded >= total ? 'finishing' : 'sending',
            sent: event.loaded,
            total,
            rate,
            eta: rate > 0 ? (total - event.loaded) / rate : null,
          });
        };
        // Every byte is out; the appliance still writes the last chunks and answers.
        request.upload.onload = () =>
          progress.update((p) => ({ ...p, phase: 'finishing', sent: p.total, eta: 0 }));
        request.onload = () => resolve({ status: request.status, body: request.response });
        request.onerror = () =>
          reject(new HttpErrorResponse({ status: 0, url, statusText: 'network error' }));
        request.onabort = () => reject(new UploadCancelled());
        request.send(file);
      });

    const run = async (): Promise<VolumeAccepted> => {
      let answer = await send(this.auth.accessToken());
      if (answer.status === 401 && !cancelled) {
        // Same single-flight refresh as the interceptor; a refused refresh signs out there.
        progress.set({ phase: 'sending', sent: 0, total: file.size, rate: 0, eta: null });
        answer = await send(await this.auth.refreshAccessToken());
      }
      if (answer.status < 200 || answer.status >= 300) {
        throw new HttpErrorResponse({ status: answer.status, error: answer.body, url });
      }
      return answer.body as VolumeAccepted;
    };

    const done = run().then(
      (result) => {
        progress.update((p) => ({ ...p, phase: 'done', sent: p.total, eta: 0 }));
        return result;
      },
      (error: unknown) => {
        progress.update((p) => ({ ...p, phase: error instanceof UploadCancelled ? 'cancelled' : 'failed' }));
        if (error instanceof HttpErrorResponse) this.notifier.httpError(error);
        throw error;
      },
    );

    return {
      progress: progress.asReadonly(),
      done,
      cancel: () => {
        cancelled = true;
        (xhr as XMLHttpRequest | null)?.abort();
      },
    };
  }
}

/**
 * An admin client for the appliance under test, for setting up what a spec is not about. Built on
 * Playwright's APIRequestContext (so calls show in traces) and the wire types of protocol/.
 */
import type { APIRequestContext } from '@playwright/test';
import type { TokenPair } from '@paddock/protocol/api/auth';
import type { Page as ListPage } from '@paddock/protocol/api/list';
import type { Role } from '@paddock/protocol/api/roles';
import type { TaskDetail } from '@paddock/protocol/api/tasks';
import type { User } from '@paddock/protocol/api/users';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Credentials {
  username: string;
  password: string;
}

/** A user made by createUser: sign in with username/password. */
export interface CreatedUser extends Credentials {
  id: string;
  role: string;
}

/** A non-2xx answer: the status and the body as the appliance sent it. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly method: Method,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} → ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
  }
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export class ApiClient {
  #tokens: TokenPair | undefined;
  #expiresAt = 0;
  #users = 0;

  constructor(
    readonly request: APIRequestContext,
    readonly credentials: Credentials,
    /** Start of the names createUser picks (the worker's prefix). */
    readonly namePrefix: string,
  ) {}

  get<T = unknown>(path: string): Promise<T> {
    return this.#call<T>('GET', path);
  }
  post<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.#call<T>('POST', path, body);
  }
  patch<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.#call<T>('PATCH', path, body);
  }
  put<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.#call<T>('PUT', path, body);
  }
  delete<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.#call<T>('DELETE', path, body);
  }

  /** Any status, never throws for one: `json` is the parsed body (undefined when empty, text when not JSON). */
  async raw<T = unknown>(method: Method, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    let answer = await this.#send(method, path, body, await this.#accessToken());
    if (answer.status === 401) {
      // The access token lives 15 minutes at most; a long worker outlives it. Sign in again once.
      this.#tokens = undefined;
      answer = await this.#send(method, path, body, await this.#accessToken());
    }
    return answer as { status: number; json: T };
  }

  /** POST /api/auth/login as anyone; the answer carries both tokens and the user. */
  async login(username: string, password: string): Promise<TokenPair> {
    const answer = await this.#send('POST', '/api/auth/login', { username, password });
    if (answer.status !== 200) throw new ApiError('POST', '/api/auth/login', answer.status, answer.json);
    return answer.json as TokenPair;
  }

  /**
   * Polls a task until it is succeeded, failed or cancelled and returns it with its events;
   * throws when `timeoutMs` passes first, quoting where it stood.
   */
  async waitTask(taskId: string, timeoutMs = 120_000): Promise<TaskDetail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const task = await this.get<TaskDetail>(`/api/tasks/${taskId}`);
      if (TERMINAL.has(task.status)) return task;
      if (Date.now() > deadline) {
        throw new Error(
          `task ${task.type} ${taskId} still ${task.status} (${task.progress}%) after ${timeoutMs} ms; ` +
            `events: ${JSON.stringify(task.events.slice(-5))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** waitTask, and throws with the task's error and events unless it succeeded. */
  async waitTaskSucceeded(taskId: string, timeoutMs = 120_000): Promise<TaskDetail> {
    const task = await this.waitTask(taskId, timeoutMs);
    if (task.status !== 'succeeded') {
      throw new Error(
        `task ${task.type} ${taskId} ${task.status}: ${JSON.stringify(task.error)}; events: ` +
          JSON.stringify(task.events.map((e) => `${e.level}: ${e.message}`)),
      );
    }
    return task;
  }

  /**
   * A new, enabled user bound to the built-in or custom role `role` (admin, operator, viewer…),
   * with a fresh name under the worker's prefix and a fresh password.
   */
  async createUser(options: { role: string; username?: string; password?: string }): Promise<CreatedUser> {
    const roles = await this.get<ListPage<Role>>('/api/roles?pageSize=100');
    if (!roles.items.some((r) => r.name === options.role)) {
      throw new Error(`no role "${options.role}"; roles: ${roles.items.map((r) => r.name).join(', ')}`);
    }
    this.#users += 1;
    const username = options.username ?? `${this.namePrefix}-${options.role}-${this.#users}`.slice(0, 64);
    const password = options.password ?? `E2e-${Math.random().toString(36).slice(2, 10)}-pass`;
    const user = await this.post<User>('/api/users', { username, password, roles: [options.role] });
    return { username, password, id: user.id, role: options.role };
  }

  async #call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const answer = await this.raw<T>(method, path, body);
    if (answer.status < 200 || answer.status > 299)
      throw new ApiError(method, path, answer.status, answer.json);
    return answer.json;
  }

  async #accessToken(): Promise<string> {
    // Renewed a minute early so a call never starts with a token about to lapse.
    if (!this.#tokens || Date.now() > this.#expiresAt - 60_000) {
      this.#tokens = await this.login(this.credentials.username, this.credentials.password);
      this.#expiresAt = Date.now() + this.#tokens.expiresIn * 1000;
    }
    return this.#tokens.accessToken;
  }

  async #send(
    method: Method,
    path: string,
    body: unknown,
    token?: string,
  ): Promise<{ status: number; json: unknown }> {
    const response = await this.request.fetch(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { data: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown = text === '' ? undefined : text;
    if (text !== '' && (response.headers()['content-type'] ?? '').includes('json')) json = JSON.parse(text);
    return { status: response.status(), json };
  }
}

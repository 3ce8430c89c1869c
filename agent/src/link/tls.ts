import { readFileSync } from 'node:fs';

/** TLS options for Bun's fetch and WebSocket: the operator's CA when given, else the system store. */
export type ClientTls = { ca: string } | undefined;

/** Loads the CA bundle once; its text is what Bun's `tls.ca` takes. */
export function clientTls(caFile: string | undefined): ClientTls {
  return caFile ? { ca: readFileSync(caFile, 'utf8') } : undefined;
}

/** The hub URL for an appliance base URL: http→ws, https→wss, path + /ws/agent. */
export function hubUrl(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws/agent`;
  return url.href;
}

import type { MessageKey } from '../../core/i18n/dictionaries/en';

/** `GET /healthz`: `status` is "ok" when healthy; today also `version` and `uptimeSec`. */
export interface ApplianceHealth {
  status: string;
  [field: string]: unknown;
}

/** One label/value line; `label` is a message key for known fields, the raw name otherwise. */
export interface HealthFact {
  field: string;
  label: MessageKey | null;
  value: string;
}

const KNOWN: Record<string, { label: MessageKey; format?: (value: number) => string }> = {
  version: { label: 'dashboard.version' },
  uptimeSec: { label: 'dashboard.uptime', format: formatDuration },
};

/** The scalar fields of a health answer besides `status`, so new ones show up without a release. */
export function healthFacts(health: ApplianceHealth): HealthFact[] {
  return Object.entries(health)
    .filter(([field, value]) => field !== 'status' && ['string', 'number', 'boolean'].includes(typeof value))
    .map(([field, value]) => {
      const known = KNOWN[field];
      const text = known?.format && typeof value === 'number' ? known.format(value) : String(value);
      return { field, label: known?.label ?? null, value: text };
    });
}

/** `3725` → `1h 2m 5s`; compact and the same in both languages. */
export function formatDuration(totalSeconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.max(0, Math.floor(totalSeconds));
  const parts: string[] = [];
  for (const [suffix, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (parts.length === 0 && size === 1)) parts.push(`${count}${suffix}`);
  }
  return parts.slice(0, 3).join(' ');
}

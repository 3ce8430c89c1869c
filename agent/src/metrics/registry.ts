/**
 * A small Prometheus registry: counters and gauges with labels, rendered in the text exposition
 * format 0.0.4. Hand-written because the agent needs only these two types and its output must
 * pass `promtool check metrics` (HELP/TYPE once per family, counters named `_total`).
 */

/** Label names to values of one series. */
export type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  value: number;
}

const escapeLabel = (value: string) =>
  value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
const escapeHelp = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`;
}

// Sorted so {a,b} and {b,a} are the same series.
const keyOf = (labels: Labels) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const formatNumber = (value: number) =>
  Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

abstract class Family {
  abstract readonly type: 'counter' | 'gauge';
  protected readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {
    if (!NAME.test(name)) throw new Error(`bad metric name ${name}`);
  }

  /** Drops every series (e.g. before re-reading per-VM values, so removed VMs disappear). */
  reset(): void {
    this.series.clear();
  }

  /** The current value of one series (tests, and the agent's own bookkeeping). */
  get(labels: Labels = {}): number | undefined {
    return this.series.get(keyOf(labels))?.value;
  }

  /** The family's lines, HELP and TYPE first. */
  render(): string[] {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const s of this.series.values())
      lines.push(`${this.name}${labelText(s.labels)} ${formatNumber(s.value)}`);
    return lines;
  }

  protected write(labels: Labels, update: (old: number) => number): void {
    const key = keyOf(labels);
    const entry = this.series.get(key);
    if (entry) entry.value = update(entry.value);
    else this.series.set(key, { labels, value: update(0) });
  }
}

/** A cumulative count. Its name must end in `_total`. */
export class Counter extends Family {
  readonly type = 'counter';

  constructor(name: string, help: string) {
    super(name, help);
    if (!name.endsWith('_total')) throw new Error(`counter ${name} must end in _total`);
  }

  /** Adds `by` (≥ 0) to one series. */
  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error(`counter ${this.name} cannot decrease`);
    this.write(labels, (old) => old + by);
  }

  /** Mirrors a cumulative value kept elsewhere (libvirt's CPU time, kernel byte counters). */
  set(value: number, labels: Labels = {}): void {
    this.write(labels, () => value);
  }
}

/** A value that goes up and down. */
export class Gauge extends Family {
  readonly type = 'gauge';

  /** Sets one series. */
  set(value: number, labels: Labels = {}): void {
    this.write(labels, () => value);
  }
}

/** The families one process exposes, plus collectors that refresh them at scrape time. */
export class MetricsRegistry {
  readonly #families: Family[] = [];
  readonly #collectors: (() => void | Promise<void>)[] = [];

  /** Adds a family; a second one with the same name is a programming error. */
  register<T extends Family>(family: T): T {
    if (this.#families.some((f) => f.name === family.name))
      throw new Error(`metric ${family.name} registered twice`);
    this.#families.push(family);
    return family;
  }

  /** A counter, registered. */
  counter(name: string, help: string): Counter {
    return this.register(new Counter(name, help));
  }

  /** A gauge, registered. */
  gauge(name: string, help: string): Gauge {
    return this.register(new Gauge(name, help));
  }

  /** Runs before every render; a failing collector leaves its families as they were. */
  onCollect(collector: () => void | Promise<void>): void {
    this.#collectors.push(collector);
  }

  /** Collects, then renders the text exposition format. */
  async render(): Promise<string> {
    await Promise.allSettled(this.#collectors.map(async (collect) => collect()));
    return `${this.#families.flatMap((f) => f.render()).join('\n')}\n`;
  }
}

/** The Content-Type of the text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

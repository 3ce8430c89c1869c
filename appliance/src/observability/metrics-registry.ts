/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format. Hand-written because the appliance needs only these three types and the
 * output has to pass `promtool check metrics` (HELP/TYPE once per family, `_total` counters,
 * cumulative `le` buckets ending in `+Inf`).
 */
type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

const escapeLabel = (value: string) =>
  value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');

function labelText(labels: Labels, extra?: Labels): string {
  const all = { ...labels, ...extra };
  const keys = Object.keys(all);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(all[k] ?? '')}"`).join(',')}}`;
}

const keyOf = (labels: Labels) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

const formatNumber = (value: number) =>
  Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';

/** A monotonically increasing count. Name must end in `_total`. */
export class Counter implements Family {
  readonly type = 'counter';
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }
  render(): string[] {
    return [...this.values.values()].map(
      (e) => `${this.name}${labelText(e.labels)} ${formatNumber(e.value)}`,
    );
  }
}

/** A value that goes up and down; `collect` reads it at scrape time when given. */
export class Gauge implements Family {
  readonly type = 'gauge';
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect?: (gauge: Gauge) => void,
  ) {}
  set(value: number, labels: Labels = {}): void {
    this.values.set(keyOf(labels), { labels, value });
  }
  reset(): void {
    this.values.clear();
  }
  render(): string[] {
    this.collect?.(this);
    return [...this.values.values()].map(
      (e) => `${this.name}${labelText(e.labels)} ${formatNumber(e.value)}`,
    );
  }
}

/** Observations sorted into cumulative buckets. */
export class Histogram implements Family {
  readonly type = 'histogram';
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: number[],
  ) {}
  observe(value: number, labels: Labels = {}): void {
    const key = keyOf(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] ?? 0)) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }
  render(): string[] {
    const lines: string[] = [];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => {
        lines.push(`${this.name}_bucket${labelText(s.labels, { le: formatNumber(le) })} ${s.counts[i]}`);
      });
      lines.push(`${this.name}_bucket${labelText(s.labels, { le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${formatNumber(s.sum)}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

/** The set of metric families one process exposes. */
export class MetricsRegistry {
  private readonly families: Family[] = [];
  private readonly collectors: Array<() => Promise<void>> = [];
  /** Work to do before each scrape that cannot be synchronous (reading the database). */
  onCollect(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }
  /** Runs the collectors; call before `render()`. */
  async collect(): Promise<void> {
    await Promise.all(this.collectors.map((c) => c()));
  }
  register<T extends Family>(family: T): T {
    if (this.families.some((f) => f.name === family.name))
      throw new Error(`metric ${family.name} registered twice`);
    this.families.push(family);
    return family;
  }
  /** The text exposition format, version 0.0.4. */
  render(): string {
    const out: string[] = [];
    for (const family of this.families) {
      const body = family.render();
      out.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`, ...body);
    }
    return `${out.join('\n')}\n`;
  }
}

import { Pipe, type PipeTransform, inject } from '@angular/core';
import { I18nService } from '../core/i18n/i18n.service';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB"; binary units, as hypervisors count memory and disks. */
export function formatBytes(bytes: number | null | undefined, digits = 1): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 ? String(Math.round(value)) : value.toFixed(value >= 100 ? 0 : digits);
  return `${bytes < 0 ? '-' : ''}${shown} ${UNITS[unit]}`;
}

/** `{{ node.memory.totalBytes | bytes }}`. */
@Pipe({ name: 'bytes' })
export class BytesPipe implements PipeTransform {
  transform(bytes: number | null | undefined, digits = 1): string {
    return formatBytes(bytes, digits);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per language: building an Intl.DateTimeFormat costs far more than using one. */
function formatterFor(language: string): Intl.DateTimeFormat {
  let formatter = formatters.get(language);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'medium' });
    formatters.set(language, formatter);
  }
  return formatter;
}

/** Local date and time in `language`; the ISO text itself when it is not a date. */
export function formatWhen(iso: string | null | undefined, language: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return formatterFor(language).format(date);
}

/**
 * `{{ task.createdAt | when }}`: local date and time in the console's language. Impure so it
 * follows a language switch; with a cached formatter each check costs microseconds.
 */
@Pipe({ name: 'when', pure: false })
export class WhenPipe implements PipeTransform {
  private readonly i18n = inject(I18nService);

  transform(iso: string | null | undefined): string {
    return formatWhen(iso, this.i18n.language());
  }
}

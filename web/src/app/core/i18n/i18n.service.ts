import { computed, Injectable, inject, signal } from '@angular/core';
import { en_US, NzI18nService, zh_CN } from 'ng-zorro-antd/i18n';
import { en, type MessageKey } from './dictionaries/en';
import { zhCN } from './dictionaries/zh-cn';

/** Languages the console ships, labelled in their own language. */
export const LANGUAGES = [
  { id: 'en', label: 'English' },
  { id: 'zh-CN', label: '简体中文' },
] as const;

export type Language = (typeof LANGUAGES)[number]['id'];

const STORAGE_KEY = 'paddock.lang';
const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };
const ZORRO_LOCALES = { en: en_US, 'zh-CN': zh_CN } as const;

/**
 * Runtime language switch without a reload. Angular's compile-time i18n would need one build per
 * language; the console is small enough for plain dictionaries held in a signal.
 */
@Injectable({ providedIn: 'root' })
export class I18nService {
  private readonly zorro = inject(NzI18nService);
  private readonly current = signal<Language>(initialLanguage());
  private readonly messages = computed(() => DICTIONARIES[this.current()]);
  readonly language = this.current.asReadonly();

  constructor() {
    this.apply(this.current());
  }

  use(language: Language): void {
    localStorage.setItem(STORAGE_KEY, language);
    this.current.set(language);
    this.apply(language);
  }

  /** Message for `key` with `{name}` placeholders filled; reactive when read in a template. */
  t(key: MessageKey, params?: Record<string, string | number>): string {
    const text = this.messages()[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (match, name: string) => String(params[name] ?? match));
  }

  /** The message for a key built at run time (e.g. `state.${status}`), or undefined if none. */
  lookup(key: string): string | undefined {
    return (this.messages() as Record<string, string | undefined>)[key];
  }

  private apply(language: Language): void {
    this.zorro.setLocale(ZORRO_LOCALES[language]);
    document.documentElement.lang = language;
  }
}

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh-CN') return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

import { inject, Pipe, type PipeTransform } from '@angular/core';
import type { MessageKey } from '../core/i18n/dictionaries/en';
import { I18nService } from '../core/i18n/i18n.service';

/**
 * `{{ 'nav.nodes' | t }}`. Impure so the text follows a language switch: the lookup reads the
 * language signal, which also marks OnPush views for refresh.
 */
@Pipe({ name: 't', pure: false })
export class TranslatePipe implements PipeTransform {
  private readonly i18n = inject(I18nService);

  transform(key: MessageKey, params?: Record<string, string | number>): string {
    return this.i18n.t(key, params);
  }
}

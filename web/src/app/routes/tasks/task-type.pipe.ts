import { Pipe, type PipeTransform, inject } from '@angular/core';
import { I18nService } from '../../core/i18n/i18n.service';

/** `vm.start` → "Start VM"; a type the console has no name for is shown as it is. Impure: follows the language. */
@Pipe({ name: 'taskType', pure: false })
export class TaskTypePipe implements PipeTransform {
  private readonly i18n = inject(I18nService);

  transform(type: string): string {
    return this.i18n.lookup(`tasks.type.${type}`) ?? type;
  }
}

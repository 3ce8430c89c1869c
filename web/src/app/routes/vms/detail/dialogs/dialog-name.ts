import { DestroyRef, Directive, inject, input } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NzModalComponent, type NzModalRef } from 'ng-zorro-antd/modal';

/**
 * ng-zorro's modal container has role="dialog" but no accessible name (axe: aria-dialog-name);
 * `<nz-modal [pdDialogName]="title">` names it after its title once it has opened.
 */
@Directive({ selector: 'nz-modal[pdDialogName]' })
export class DialogNameDirective {
  readonly pdDialogName = input.required<string>();

  constructor() {
    const modal = inject(NzModalComponent);
    modal.nzAfterOpen
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe(() => modal.getElement()?.setAttribute('aria-label', this.pdDialogName()));
  }
}

/** The same for a confirmation opened through NzModalService. */
export function nameDialog(ref: NzModalRef, name: string): NzModalRef {
  ref.afterOpen.subscribe(() => ref.getElement()?.setAttribute('aria-label', name));
  return ref;
}

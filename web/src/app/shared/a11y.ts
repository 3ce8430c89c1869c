import { DestroyRef, Directive, ElementRef, inject, input } from '@angular/core';
import { NzModalComponent, type NzModalRef } from 'ng-zorro-antd/modal';

/*
 * Accessibility gaps of ng-zorro 22 that axe reports as serious, closed in one place:
 * - a modal's container has role="dialog" but no accessible name;
 * - a table's horizontal scroll box (nzScroll) cannot be reached with the keyboard.
 */

/** Names a modal opened through NzModalService (confirm, warning…). */
export function nameDialog(ref: NzModalRef, label: string): void {
  ref.afterOpen.subscribe(() => ref.getElement()?.setAttribute('aria-label', label));
}

/** `<nz-modal pdDialogName="…">`: names the dialog once it is open. */
@Directive({ selector: 'nz-modal[pdDialogName]' })
export class DialogNameDirective {
  readonly pdDialogName = input.required<string>();

  constructor() {
    const modal = inject(NzModalComponent);
    const subscription = modal.nzAfterOpen.subscribe(() =>
      modal.getModalRef()?.getElement()?.setAttribute('aria-label', this.pdDialogName()),
    );
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }
}

/**
 * `<nz-table pdScrollRegion="…">`: the table's scroll box becomes a named, focusable region, so
 * keyboard users can scroll it (it exists only once the table has rendered, hence the observer).
 */
@Directive({ selector: 'nz-table[pdScrollRegion]' })
export class ScrollRegionDirective {
  readonly pdScrollRegion = input.required<string>();

  constructor() {
    const host = inject(ElementRef<HTMLElement>).nativeElement as HTMLElement;
    const apply = () => {
      for (const box of host.querySelectorAll<HTMLElement>('.ant-table-content, .ant-table-body')) {
        if (box.getAttribute('tabindex') !== '0') box.setAttribute('tabindex', '0');
        if (box.getAttribute('aria-label') !== this.pdScrollRegion()) {
          box.setAttribute('role', 'region');
          box.setAttribute('aria-label', this.pdScrollRegion());
        }
      }
    };
    const observer = new MutationObserver(apply);
    observer.observe(host, { childList: true, subtree: true });
    inject(DestroyRef).onDestroy(() => observer.disconnect());
  }
}

/** Called from `(nzAfterOpen)`: points the open dialog at its title element for its name. */
export function labelDialogBy(titleId: string): void {
  const title = document.getElementById(titleId);
  title?.closest('nz-modal-container')?.setAttribute('aria-labelledby', titleId);
}

/**
 * Names an open ng-zorro modal after its title: nz-modal-container has role="dialog" but no
 * accessible name (axe: aria-dialog-name, serious). Call from `(nzAfterOpen)` with the id the
 * title template gives its text.
 */
export function labelDialog(titleId: string): void {
  document.getElementById(titleId)?.closest('nz-modal-container')?.setAttribute('aria-labelledby', titleId);
}

/**
 * ng-zorro's modal container has role="dialog" but no accessible name (axe: aria-dialog-name).
 * Called from `(nzAfterOpen)`: points the dialog at its title element.
 */
export function nameDialog(titleId: string): void {
  const title = document.getElementById(titleId);
  title?.closest('nz-modal-container')?.setAttribute('aria-labelledby', titleId);
}

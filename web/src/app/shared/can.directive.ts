import { Directive, TemplateRef, ViewContainerRef, effect, inject, input } from '@angular/core';
import type { Permission } from '@paddock/protocol/api/permissions';
import { Permissions } from '../core/auth/permissions';

/**
 * `<button *pdCan="'vms:operate'">`: renders its element only while the user holds the permission
 * (all of them, for a list). Follows permission changes without a reload.
 */
@Directive({ selector: '[pdCan]' })
export class CanDirective {
  private readonly permissions = inject(Permissions);
  private readonly template = inject(TemplateRef<unknown>);
  private readonly container = inject(ViewContainerRef);
  readonly pdCan = input.required<Permission | Permission[]>();
  private shown = false;

  constructor() {
    effect(() => {
      const wanted = this.pdCan();
      const allowed = this.permissions.canAll(...(Array.isArray(wanted) ? wanted : [wanted]));
      if (allowed && !this.shown) this.container.createEmbeddedView(this.template);
      if (!allowed && this.shown) this.container.clear();
      this.shown = allowed;
    });
  }
}

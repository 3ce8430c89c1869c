import { ChangeDetectionStrategy, Component, computed, inject, input, model } from '@angular/core';
import type { PermissionInfo } from '@paddock/protocol/api/roles';
import { NzCheckboxModule } from 'ng-zorro-antd/checkbox';
import { I18nService } from '../../../core/i18n/i18n.service';
import { TranslatePipe } from '../../../shared/translate.pipe';

/** `*` grants every permission, including ones added later. */
export const ALL = '*';

interface Group {
  resource: string;
  label: string;
  permissions: Array<{ name: string; action: string; description: string }>;
}

/**
 * Checkboxes over the permission catalogue (`GET /api/permissions`), grouped by resource, each
 * with its description; a group's box toggles the whole group and "all" stands for `*`.
 */
@Component({
  selector: 'pd-permission-editor',
  imports: [NzCheckboxModule, TranslatePipe],
  template: `
    <div class="all">
      <label nz-checkbox id="perm-all" [nzDisabled]="readonly()" [nzChecked]="all()" (nzCheckedChange)="setAll($event)">
        <strong>{{ 'roles.allPermissions' | t }}</strong>
        <span class="desc">{{ 'roles.allPermissionsHint' | t }}</span>
      </label>
    </div>
    @for (g of groups(); track g.resource) {
      <fieldset class="group" [id]="'perm-group-' + g.resource">
        <legend>
          <label
            nz-checkbox
            [id]="'perm-group-toggle-' + g.resource"
            [nzDisabled]="readonly() || all()"
            [nzChecked]="all() || groupState(g) === 'all'"
            [nzIndeterminate]="!all() && groupState(g) === 'some'"
            (nzCheckedChange)="setGroup(g, $event)"
            >{{ g.label }}</label
          >
        </legend>
        @for (p of g.permissions; track p.name) {
          <label
            nz-checkbox
            class="perm"
            [id]="'perm-' + p.name.replace(':', '-')"
            [attr.data-permission]="p.name"
            [nzDisabled]="readonly() || all()"
            [nzChecked]="all() || selected().has(p.name)"
            (nzCheckedChange)="toggle(p.name, $event)"
          >
            <code>{{ p.action }}</code>
            <span class="desc">{{ p.description }}</span>
          </label>
        }
      </fieldset>
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .all {
      margin-bottom: 12px;
    }
    .group {
      margin: 0 0 12px;
      padding: 8px 12px;
      border: 1px solid rgba(128, 128, 128, 0.3);
      border-radius: 4px;
    }
    legend {
      width: auto;
      margin: 0;
      padding: 0 4px;
      font-size: 14px;
      border: 0;
    }
    .perm {
      display: flex;
      margin: 4px 0 4px 8px;
    }
    .desc {
      margin-left: 8px;
      opacity: 0.85;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PermissionEditor {
  private readonly i18n = inject(I18nService);
  readonly catalogue = input<PermissionInfo[]>([]);
  readonly value = model<string[]>([]);
  readonly readonly = input(false);

  protected readonly selected = computed(() => new Set(this.value()));
  protected readonly all = computed(() => this.selected().has(ALL));
  protected readonly groups = computed<Group[]>(() => {
    const byResource = new Map<string, Group>();
    for (const p of this.catalogue()) {
      const [resource = p.name, action = ''] = p.name.split(':');
      let group = byResource.get(resource);
      if (!group) {
        group = {
          resource,
          label: this.i18n.lookup(`roles.resource.${resource}`) ?? resource,
          permissions: [],
        };
        byResource.set(resource, group);
      }
      group.permissions.push({
        name: p.name,
        action,
        description: this.i18n.lookup(`roles.perm.${p.name}`) ?? p.description,
      });
    }
    return [...byResource.values()];
  });

  protected groupState(group: Group): 'none' | 'some' | 'all' {
    const n = group.permissions.filter((p) => this.selected().has(p.name)).length;
    return n === 0 ? 'none' : n === group.permissions.length ? 'all' : 'some';
  }

  protected setAll(on: boolean): void {
    this.value.set(on ? [ALL] : []);
  }

  protected setGroup(group: Group, on: boolean): void {
    const next = new Set(this.selected());
    for (const p of group.permissions) {
      if (on) next.add(p.name);
      else next.delete(p.name);
    }
    this.value.set(this.ordered(next));
  }

  protected toggle(name: string, on: boolean): void {
    const next = new Set(this.selected());
    if (on) next.add(name);
    else next.delete(name);
    this.value.set(this.ordered(next));
  }

  // In catalogue order, so the saved list reads like the editor.
  private ordered(names: Set<string>): string[] {
    return this.catalogue()
      .map((p) => p.name)
      .filter((n) => names.has(n));
  }
}

import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  type AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { poolPathProblem } from '@paddock/protocol/api/pool-paths';
import type { PoolAccepted } from '@paddock/protocol/api/storage';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { StorageApi } from '../../../core/api/storage.api';
import { I18nService } from '../../../core/i18n/i18n.service';
import { DialogNameDirective } from '../../../shared/a11y';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { StorageStore } from '../storage.store';
import { PATH_MAX, PATH_MIN, PATH_PATTERN, errorKey, nameValidators } from '../storage-limits';

/** `POST /api/storage/pools`: a directory pool on one node (a task defines and starts it there). */
@Component({
  selector: 'pd-create-pool-dialog',
  imports: [
    DialogNameDirective,
    NzButtonModule,
    NzFormModule,
    NzInputModule,
    NzModalModule,
    NzSelectModule,
    ReactiveFormsModule,
    TranslatePipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="'storage.pool.createTitle' | t"
      [pdDialogName]="'storage.pool.createTitle' | t"
      [nzFooter]="footer"
      [nzMaskClosable]="false"
      (nzOnCancel)="closed.emit()"
    >
      <form *nzModalContent nz-form nzLayout="vertical" id="create-pool-form" [formGroup]="form" (ngSubmit)="submit()">
        <nz-form-item>
          <nz-form-label nzFor="pool-name" nzRequired>{{ 'common.name' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('name')">
            <input nz-input id="pool-name" formControlName="name" autocomplete="off" />
            <div class="hint">{{ 'storage.hint.name' | t }}</div>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="pool-type" nzRequired>{{ 'common.type' | t }}</nz-form-label>
          <nz-form-control>
            <nz-select nzId="pool-type" formControlName="type">
              <nz-option nzValue="dir" [nzLabel]="'storage.pool.typeDir' | t" />
            </nz-select>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="pool-node" nzRequired>{{ 'common.node' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('nodeId')">
            <nz-select
              nzId="pool-node"
              formControlName="nodeId"
              nzShowSearch
              [nzPlaceHolder]="'storage.pool.pickNode' | t"
            >
              @for (node of store.nodes(); track node.id) {
                <nz-option [nzValue]="node.id" [nzLabel]="node.hostname" />
              }
            </nz-select>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="pool-path" nzRequired>{{ 'storage.path' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('path', 'storage.err.path')">
            <input nz-input id="pool-path" formControlName="path" [placeholder]="placeholder()" autocomplete="off" />
            <div class="hint">{{ 'storage.hint.path' | t }}</div>
            @if (roots().length > 0) {
              <div class="roots" id="pool-roots">
                <span>{{ 'storage.hint.roots' | t }}</span>
                @for (root of roots(); track root) {
                  <button nz-button nzSize="small" type="button" class="root" [attr.data-root]="root" (click)="useRoot(root)">
                    {{ root }}
                  </button>
                }
              </div>
            }
          </nz-form-control>
        </nz-form-item>
      </form>
      <ng-template #footer>
        <button nz-button type="button" id="create-pool-cancel" (click)="closed.emit()">{{ 'common.cancel' | t }}</button>
        <button nz-button nzType="primary" type="submit" form="create-pool-form" id="create-pool-submit" [nzLoading]="saving()">
          {{ 'common.create' | t }}
        </button>
      </ng-template>
    </nz-modal>
  `,
  styles: `
    .hint {
      margin-top: 2px;
      font-size: 12px;
      opacity: 0.75;
    }
    .roots {
      margin-top: 4px;
      font-size: 12px;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px;
    }
    .root {
      font-family: monospace;
      font-size: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreatePoolDialog {
  private readonly storage = inject(StorageApi);
  private readonly i18n = inject(I18nService);
  protected readonly store = inject(StorageStore);
  readonly closed = output<void>();
  readonly created = output<PoolAccepted>();
  protected readonly saving = signal(false);

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', nameValidators],
    type: ['dir' as const],
    nodeId: ['', Validators.required],
    path: [
      '',
      [
        Validators.required,
        Validators.minLength(PATH_MIN),
        Validators.maxLength(PATH_MAX),
        Validators.pattern(PATH_PATTERN),
        (control: AbstractControl) => this.underRoots(control),
      ],
    ],
  });
  private readonly nodeId = signal('');
  /** The directories the chosen node's agent lets pools live under (it refuses anything else). */
  protected readonly roots = computed(
    () => this.store.nodes().find((n) => n.id === this.nodeId())?.poolRoots ?? [],
  );
  protected readonly placeholder = computed(() => `${this.roots()[0] ?? '/var/lib/libvirt/images'}/pool`);

  constructor() {
    this.form.controls.nodeId.valueChanges.pipe(takeUntilDestroyed()).subscribe((id) => {
      this.nodeId.set(id);
      this.form.controls.path.updateValueAndValidity();
    });
    void this.store.loadNodes().then(() => {
      const nodes = this.store.nodes();
      // One node (the usual small setup): nothing to choose.
      if (nodes.length === 1 && !this.form.controls.nodeId.value)
        this.form.controls.nodeId.setValue(nodes[0]!.id);
    });
  }

  /** Fills the path with a directory of the pool's name under `root`. */
  protected useRoot(root: string): void {
    const path = this.form.controls.path;
    path.setValue(`${root}/${this.form.controls.name.value || 'pool'}`);
    path.markAsDirty();
  }

  // The agent's own rules (protocol/src/api/pool-paths.ts), so the form never sends a refused path.
  private underRoots(control: AbstractControl): { poolRoot: string } | null {
    const roots = this.roots?.() ?? [];
    const value = String(control.value ?? '');
    if (roots.length === 0 || !PATH_PATTERN.test(value)) return null;
    const problem = poolPathProblem(value, roots);
    return problem ? { poolRoot: problem } : null;
  }

  protected error(
    field: keyof typeof this.form.controls,
    patternKey?: Parameters<typeof errorKey>[1],
  ): string {
    const key = errorKey(this.form.controls[field], patternKey);
    return key ? this.i18n.t(key) : '';
  }

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    this.saving.set(true);
    try {
      this.created.emit(await this.storage.createPool(this.form.getRawValue()));
    } catch {
      // The interceptor told the person why; the dialog stays open to correct it.
    } finally {
      this.saving.set(false);
    }
  }
}

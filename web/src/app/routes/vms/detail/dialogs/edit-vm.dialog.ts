import {
  ChangeDetectionStrategy,
  Component,
  type OnInit,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import {
  type AbstractControl,
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Vm, VmPatch } from '@paddock/protocol/api/vms';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzInputNumberModule } from 'ng-zorro-antd/input-number';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { VmsApi } from '../../../../core/api/vms.api';
import { TranslatePipe } from '../../../../shared/translate.pipe';
import { DialogNameDirective } from '../../../../shared/a11y';
import { VmDetailStore } from '../vm-detail.store';
import { DESCRIPTION_MAX, MEMORY_MB, NAME_PATTERN, TAG_MAX, TAGS_MAX, VCPU, VM_NAME_MAX } from './limits';

function tagsValid(control: AbstractControl<string[]>): ValidationErrors | null {
  const tags = control.value ?? [];
  if (tags.length > TAGS_MAX) return { tooMany: true };
  if (tags.some((t) => t.length < 1 || t.length > TAG_MAX)) return { tagLength: true };
  return null;
}

/**
 * Name, description and tags change at any time; vCPUs and memory only while the VM is stopped
 * (the appliance redefines the domain in a task, answered 202).
 */
@Component({
  selector: 'pd-edit-vm-dialog',
  imports: [
    DialogNameDirective,
    ReactiveFormsModule,
    NzAlertModule,
    NzFormModule,
    NzInputModule,
    NzInputNumberModule,
    NzModalModule,
    NzSelectModule,
    TranslatePipe,
  ],
  templateUrl: './edit-vm.dialog.html',
  styles: `
    .hint {
      margin-bottom: 12px;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 16px;
    }
    nz-input-number {
      width: 160px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EditVmDialog implements OnInit {
  private readonly vms = inject(VmsApi);
  private readonly store = inject(VmDetailStore);
  readonly vm = input.required<Vm>();
  readonly closed = output<void>();
  readonly started = output<Task>();
  protected readonly sending = signal(false);
  protected readonly limits = { VCPU, MEMORY_MB };

  protected readonly form = new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(VM_NAME_MAX), Validators.pattern(NAME_PATTERN)],
    }),
    description: new FormControl('', {
      nonNullable: true,
      validators: [Validators.maxLength(DESCRIPTION_MAX)],
    }),
    tags: new FormControl<string[]>([], { nonNullable: true, validators: [tagsValid] }),
    vcpu: new FormControl(1, {
      nonNullable: true,
      validators: [Validators.required, Validators.min(VCPU.min), Validators.max(VCPU.max)],
    }),
    memoryMb: new FormControl(512, {
      nonNullable: true,
      validators: [Validators.required, Validators.min(MEMORY_MB.min), Validators.max(MEMORY_MB.max)],
    }),
  });

  protected stopped(): boolean {
    return this.vm().status === 'stopped';
  }

  ngOnInit(): void {
    const vm = this.vm();
    this.form.setValue({
      name: vm.name,
      description: vm.description ?? '',
      tags: [...vm.tags],
      vcpu: vm.vcpu,
      memoryMb: vm.memoryMb,
    });
    if (!this.stopped()) {
      this.form.controls.vcpu.disable();
      this.form.controls.memoryMb.disable();
    }
  }

  protected invalid(name: keyof typeof this.form.controls): boolean {
    const control = this.form.controls[name];
    return control.invalid && (control.dirty || control.touched);
  }

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    const patch = this.changes();
    if (Object.keys(patch).length === 0) {
      this.closed.emit();
      return;
    }
    this.sending.set(true);
    try {
      const { vm, task } = await this.vms.update(this.vm().id, patch);
      this.store.vm.set(vm);
      if (task) this.started.emit(task);
      this.closed.emit();
    } catch {
      this.sending.set(false);
    }
  }

  /** Only what changed: the API refuses an empty patch, and a resize needs a stopped VM. */
  private changes(): VmPatch {
    const vm = this.vm();
    const value = this.form.getRawValue();
    const patch: VmPatch = {};
    if (value.name !== vm.name) patch.name = value.name;
    const description = value.description.trim() === '' ? null : value.description;
    if (description !== vm.description) patch.description = description;
    if (value.tags.join('\n') !== vm.tags.join('\n')) patch.tags = [...new Set(value.tags)];
    if (this.stopped()) {
      if (value.vcpu !== vm.vcpu) patch.vcpu = value.vcpu;
      if (value.memoryMb !== vm.memoryMb) patch.memoryMb = value.memoryMb;
    }
    return patch;
  }
}

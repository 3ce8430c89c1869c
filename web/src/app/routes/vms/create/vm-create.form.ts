import {
  type AbstractControl,
  FormArray,
  FormControl,
  FormGroup,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import type { VmsPost } from '@paddock/protocol/api/vms';

/**
 * The limits of `POST /api/vms` (VmsPost in protocol/src/api/vms.ts), checked here before sending:
 * protocol's TypeBox schemas are values, and importing them would put TypeBox into the console.
 * Keep the two in step.
 */
export const VM_LIMITS = {
  nameMax: 63,
  namePattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  descriptionMax: 1000,
  vcpuMin: 1,
  vcpuMax: 256,
  memoryMin: 16,
  memoryMax: 4 * 1024 * 1024,
  diskSizeMax: 16384,
  disksMax: 16,
  nicsMax: 8,
  tagsMax: 32,
  tagMax: 64,
} as const;

export type DiskKind = 'new' | 'existing';

export type DiskForm = FormGroup<{
  kind: FormControl<DiskKind>;
  poolId: FormControl<string | null>;
  sizeGb: FormControl<number | null>;
  volumeId: FormControl<string | null>;
}>;

export type NicForm = FormGroup<{ networkId: FormControl<string | null> }>;

/** Tags: at most 32, distinct, each 1–64 characters. */
function tagsValidator(control: AbstractControl<string[]>): ValidationErrors | null {
  const tags = control.value ?? [];
  const ok =
    tags.length <= VM_LIMITS.tagsMax &&
    new Set(tags).size === tags.length &&
    tags.every((t) => t.length >= 1 && t.length <= VM_LIMITS.tagMax);
  return ok ? null : { tags: true };
}

/** `sizeGb` is `exclusiveMinimum: 0`: Validators.min(0) would let 0 through. */
function positive(control: AbstractControl<number | null>): ValidationErrors | null {
  const value = control.value;
  return value === null || value > 0 ? null : { min: true };
}

/** An existing volume can be attached once. */
function distinctVolumes(control: AbstractControl): ValidationErrors | null {
  const disks = (control as FormArray<DiskForm>).controls;
  const seen = new Set<string>();
  for (const disk of disks) {
    const id = disk.controls.volumeId.value;
    if (disk.controls.kind.value !== 'existing' || !id) continue;
    if (seen.has(id)) return { duplicateVolume: true };
    seen.add(id);
  }
  return null;
}

export function createVmForm() {
  return new FormGroup({
    basics: new FormGroup({
      name: new FormControl('', {
        nonNullable: true,
        validators: [
          Validators.required,
          Validators.maxLength(VM_LIMITS.nameMax),
          Validators.pattern(VM_LIMITS.namePattern),
        ],
      }),
      description: new FormControl('', {
        nonNullable: true,
        validators: [Validators.maxLength(VM_LIMITS.descriptionMax)],
      }),
      tags: new FormControl<string[]>([], { nonNullable: true, validators: [tagsValidator] }),
    }),
    resources: new FormGroup({
      vcpu: new FormControl<number | null>(1, [
        Validators.required,
        Validators.min(VM_LIMITS.vcpuMin),
        Validators.max(VM_LIMITS.vcpuMax),
        Validators.pattern(/^\d+$/),
      ]),
      memoryMb: new FormControl<number | null>(512, [
        Validators.required,
        Validators.min(VM_LIMITS.memoryMin),
        Validators.max(VM_LIMITS.memoryMax),
        Validators.pattern(/^\d+$/),
      ]),
    }),
    disks: new FormArray<DiskForm>([], {
      validators: [Validators.maxLength(VM_LIMITS.disksMax), distinctVolumes],
    }),
    cdrom: new FormControl<string | null>(null),
    nics: new FormArray<NicForm>([], { validators: [Validators.maxLength(VM_LIMITS.nicsMax)] }),
    placement: new FormControl<string>('', { nonNullable: true }),
  });
}

export type VmForm = ReturnType<typeof createVmForm>;

export function diskForm(
  kind: DiskKind,
  defaults: { poolId?: string | null; sizeGb?: number } = {},
): DiskForm {
  return new FormGroup({
    kind: new FormControl<DiskKind>(kind, { nonNullable: true }),
    poolId: new FormControl<string | null>(
      kind === 'new' ? (defaults.poolId ?? null) : null,
      kind === 'new' ? [Validators.required] : [],
    ),
    sizeGb: new FormControl<number | null>(
      kind === 'new' ? (defaults.sizeGb ?? 1) : null,
      kind === 'new' ? [Validators.required, positive, Validators.max(VM_LIMITS.diskSizeMax)] : [],
    ),
    volumeId: new FormControl<string | null>(null, kind === 'existing' ? [Validators.required] : []),
  });
}

export function nicForm(networkId: string | null = null): NicForm {
  return new FormGroup({ networkId: new FormControl<string | null>(networkId, [Validators.required]) });
}

/** The request body; only valid forms get here. */
export function toBody(form: VmForm): VmsPost {
  const value = form.getRawValue();
  const description = value.basics.description.trim();
  return {
    name: value.basics.name.trim(),
    ...(description ? { description } : {}),
    vcpu: Number(value.resources.vcpu),
    memoryMb: Number(value.resources.memoryMb),
    disks: value.disks.map((d) =>
      d.kind === 'new' ? { poolId: d.poolId!, sizeGb: Number(d.sizeGb) } : { volumeId: d.volumeId! },
    ),
    ...(value.cdrom ? { cdrom: { volumeId: value.cdrom } } : {}),
    nics: value.nics.map((n) => ({ networkId: n.networkId! })),
    ...(value.placement ? { nodeId: value.placement } : {}),
    ...(value.basics.tags.length > 0 ? { tags: value.basics.tags } : {}),
  };
}

/** Marks a step's controls so their errors show, and says whether the step is valid. */
export function checkStep(control: AbstractControl): boolean {
  control.markAllAsTouched();
  markDirty(control);
  control.updateValueAndValidity();
  return control.valid;
}

function markDirty(control: AbstractControl): void {
  control.markAsDirty();
  if (control instanceof FormGroup || control instanceof FormArray)
    for (const child of Object.values(control.controls)) markDirty(child as AbstractControl);
}

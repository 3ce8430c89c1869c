import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { Validators } from '@angular/forms';
import type { MessageKey } from '../../core/i18n/dictionaries/en';

/**
 * The API's limits (protocol/src/api/storage.ts), checked before sending so a form never gets a
 * 422 it could have prevented. Kept as plain values: importing the TypeBox schemas would bring
 * TypeBox into the bundle.
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const NAME_MAX = 64;
export const PATH_PATTERN = /^\/[^\0]*$/;
export const PATH_MIN = 2;
export const PATH_MAX = 1024;
export const VOLUME_MAX_GB = 65536;

/** Validators of a pool or volume name. */
export const nameValidators: ValidatorFn[] = [
  Validators.required,
  Validators.maxLength(NAME_MAX),
  Validators.pattern(NAME_PATTERN),
];

/** `> 0` (the API's exclusiveMinimum). */
export function positive(control: AbstractControl): ValidationErrors | null {
  const value = control.value as number | null;
  return value === null || value === undefined || Number(value) > 0 ? null : { positive: true };
}

/** The message for the first error of a control, or null when it is valid. */
export function errorKey(
  control: AbstractControl | null,
  patternKey: MessageKey = 'storage.err.name',
): MessageKey | null {
  const errors = control?.errors;
  if (!errors) return null;
  if (errors['required']) return 'storage.err.required';
  if (errors['maxlength']) return 'storage.err.tooLong';
  if (errors['minlength']) return 'storage.err.tooShort';
  if (errors['pattern']) return patternKey;
  if (errors['poolRoot']) return 'storage.err.poolRoot';
  if (errors['positive'] || errors['min']) return 'storage.err.positive';
  if (errors['max']) return 'storage.err.tooBig';
  return 'storage.err.invalid';
}

import { type AbstractControl, type ValidationErrors, type ValidatorFn, Validators } from '@angular/forms';

// The same limits as protocol/src/api/users.ts (Username, Password, Email, displayName), checked
// before sending so a form never meets a 422 it could have foreseen.
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const USERNAME = { min: 2, max: 64 } as const;
export const PASSWORD = { min: 8, max: 256 } as const;
export const EMAIL_MAX = 254;
export const DISPLAY_NAME_MAX = 128;
export const ROLES_MAX = 50;

export const usernameValidators = [
  Validators.required,
  Validators.minLength(USERNAME.min),
  Validators.maxLength(USERNAME.max),
  Validators.pattern(USERNAME_PATTERN),
];
export const passwordValidators = [
  Validators.required,
  Validators.minLength(PASSWORD.min),
  Validators.maxLength(PASSWORD.max),
];
export const emailValidators = [Validators.email, Validators.maxLength(EMAIL_MAX)];
export const displayNameValidators = [Validators.maxLength(DISPLAY_NAME_MAX)];

/** On a group: `confirm` must equal `password` (the error is set on `confirm`). */
export function samePassword(password = 'password', confirm = 'confirm'): ValidatorFn {
  return (group: AbstractControl): ValidationErrors | null => {
    const a = group.get(password);
    const b = group.get(confirm);
    if (!a || !b) return null;
    const mismatch = b.value !== '' && a.value !== b.value;
    const { mismatch: _old, ...others } = b.errors ?? {};
    const rest = Object.keys(others).length > 0 ? others : null;
    b.setErrors(mismatch ? { ...rest, mismatch: true } : rest);
    return null;
  };
}

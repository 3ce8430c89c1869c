import type { AbstractControl, ValidationErrors } from '@angular/forms';
import type { MessageKey } from '../../core/i18n/dictionaries/en';

/**
 * The API's limits (protocol/src/api/networks.ts), checked before sending. Plain values, not the
 * TypeBox schemas, so TypeBox stays out of the bundle.
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const NAME_MAX = 64;
/** A Linux interface name: at most 15 characters (IFNAMSIZ - 1). */
export const BRIDGE_PATTERN = /^[A-Za-z0-9_.-]+$/;
export const BRIDGE_MAX = 15;
export const CIDR_MAX = 43;
export const GATEWAY_MAX = 39;
export const MTU_MIN = 576;
export const MTU_MAX = 9216;

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
// Loose on purpose: hex groups and colons, '::' at most once; the node's tools have the last word.
const IPV6 = /^(?=.*:)(?!.*:::)(?!(.*::){2})[0-9A-Fa-f:.]{2,39}$/;

/** An IPv4 or IPv6 address. The API only bounds the length; this catches typos before saving. */
export function ipAddress(control: AbstractControl): ValidationErrors | null {
  const value = String(control.value ?? '').trim();
  if (!value) return null;
  return IPV4.test(value) || IPV6.test(value) ? null : { ip: true };
}

/** `address/prefix` with a prefix the address family allows. */
export function cidr(control: AbstractControl): ValidationErrors | null {
  const value = String(control.value ?? '').trim();
  if (!value) return null;
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return { cidr: true };
  const bits = Number(prefix);
  if (IPV4.test(address ?? '')) return bits <= 32 ? null : { cidr: true };
  if (IPV6.test(address ?? '')) return bits <= 128 ? null : { cidr: true };
  return { cidr: true };
}

/** The message for the first error of a control, or null when it is valid. */
export function errorKey(control: AbstractControl | null, patternKey: MessageKey): MessageKey | null {
  const errors = control?.errors;
  if (!errors) return null;
  if (errors['required']) return 'network.err.required';
  if (errors['maxlength']) return 'network.err.tooLong';
  if (errors['pattern']) return patternKey;
  if (errors['ip']) return 'network.err.ip';
  if (errors['cidr']) return 'network.err.cidr';
  if (errors['min'] || errors['max']) return 'network.err.mtu';
  return 'network.err.invalid';
}

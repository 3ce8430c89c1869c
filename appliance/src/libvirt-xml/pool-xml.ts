import { xml } from './escape.ts';

/** libvirt XML of a directory pool. */
export function dirPoolXml(name: string, path: string): string {
  return `<pool type='dir'>
  <name>${xml(name)}</name>
  <target><path>${xml(path)}</path><permissions><mode>0711</mode></permissions></target>
</pool>`;
}

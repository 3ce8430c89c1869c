/** Entry point of the binding: `const conn = await Libvirt.open('qemu:///system')`. */
import { Connection, DEFAULT_URI, type OpenOptions } from './connection.ts';

/** Opens connections; everything else hangs off the Connection. */
export const Libvirt = {
  /** Opens `uri` (default qemu:///system) in a pool of workers. https://libvirt.org/html/libvirt-libvirt-host.html#virConnectOpen */
  open(uri: string = DEFAULT_URI, options: OpenOptions = {}): Promise<Connection> {
    return Connection.open(uri, options);
  },
};

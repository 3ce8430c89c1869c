import { type AgentHandlers, type PaddockResult, RpcError, RpcErrorCode } from '@paddock/protocol';
import {
  type Connection,
  ErrorCode,
  isLibvirtError,
  type StoragePool,
  type StoragePoolInfo,
  type StorageVolume,
} from '../libvirt/index.ts';
import { assertPoolDirectory, fileUnderRoots, isDirectory } from './pool-paths.ts';
import { elementBlock, elementText, poolType, volumeFormat, xmlEscape } from './xml.ts';

type StorageHandlers = Pick<
  AgentHandlers,
  | 'pool.define'
  | 'pool.check'
  | 'pool.start'
  | 'pool.refresh'
  | 'pool.info'
  | 'pool.list'
  | 'pool.delete'
  | 'volume.list'
  | 'volume.create'
  | 'volume.delete'
  | 'volume.resize'
  | 'volume.clone'
  | 'volume.upload'
  | 'volume.download'
>;
type PoolInfo = PaddockResult<'pool.info'>;
type VolumeInfo = PaddockResult<'volume.create'>;

/** Bytes per download chunk: the catalog asks for ≤ 1 MiB per binary frame; 256 KiB is its advice. */
export const DOWNLOAD_CHUNK_BYTES = 256 * 1024;

/** Where the agent lets pools live (see pool-paths.ts). */
export interface PoolRules {
  poolRoots: readonly string[];
  /** The agent's own state directory: never a pool. */
  stateDir?: string;
}

/** The target directory of a pool document (libvirt's own XML, not the appliance's). */
export function poolTargetPath(xml: string): string | undefined {
  const target = elementBlock(xml, 'target');
  return target === undefined ? undefined : elementText(target, 'path');
}

/** The catalog's PoolInfo from the binding's info plus the pool XML (for the type and path). */
export function poolInfoOf(info: StoragePoolInfo, xml: string): PoolInfo {
  const path = poolTargetPath(xml);
  return {
    name: info.name,
    uuid: info.uuid,
    type: poolType(xml),
    // A state this binding cannot name is reported as the one the appliance must not use.
    state: info.state === 'unknown' ? 'inaccessible' : info.state,
    capacityBytes: info.capacity,
    allocationBytes: info.allocation,
    availableBytes: info.available,
    persistent: info.persistent,
    autostart: info.autostart,
    ...(path !== undefined && { path }),
  };
}

async function describePool(pool: StoragePool): Promise<PoolInfo> {
  const [info, xml] = await Promise.all([pool.getInfo(), pool.getXMLDesc()]);
  return poolInfoOf(info, xml);
}

async function describeVolume(poolName: string, vol: StorageVolume): Promise<VolumeInfo> {
  const [info, xml] = await Promise.all([vol.getInfo(), vol.getXMLDesc()]);
  return {
    pool: poolName,
    name: info.name,
    key: info.key,
    path: info.path,
    format: volumeFormat(xml),
    capacityBytes: info.capacity,
    allocationBytes: info.allocation,
  };
}

/**
 * Passes the appliance's chunks through to libvirt while holding it to `lengthBytes`: a longer or
 * shorter upload, or a cancelled call, throws, which makes the binding abort the libvirt stream
 * instead of finishing a half-written volume.
 */
async function* exactly(
  source: AsyncIterable<Uint8Array>,
  lengthBytes: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    signal.throwIfAborted();
    total += chunk.byteLength;
    if (total > lengthBytes) {
      throw new RpcError(RpcErrorCode.INVALID_PARAMS, `upload is longer than lengthBytes (${lengthBytes})`);
    }
    yield chunk;
  }
  signal.throwIfAborted();
  if (total !== lengthBytes) {
    throw new RpcError(RpcErrorCode.INVALID_PARAMS, `upload ended after ${total} of ${lengthBytes} bytes`);
  }
}

const refuse = (message: string) => new RpcError(RpcErrorCode.INVALID_PARAMS, message);

/**
 * Storage pools and volumes through virStoragePool*, virStorageVol* and virStream. Pools are
 * directory pools under `rules.poolRoots` only, whatever XML the appliance sends.
 */
export function storageHandlers(conn: () => Connection, rules: PoolRules): StorageHandlers {
  const pool = (name: string) => conn().lookupStoragePoolByName(name);
  const volume = async (poolName: string, name: string) => (await pool(poolName)).lookupVolumeByName(name);
  /** The pool's directory once it passed the rules; throws INVALID_PARAMS naming the problem. */
  const allowedPath = (xml: string): string => {
    const type = poolType(xml);
    if (type !== 'dir') throw refuse(`only directory pools are allowed, not ${type}`);
    const path = poolTargetPath(xml);
    if (path === undefined) throw refuse('the pool has no target path');
    try {
      assertPoolDirectory(path, rules.poolRoots, rules.stateDir);
    } catch (error) {
      throw refuse((error as Error).message);
    }
    return path;
  };
  return {
    'pool.define': async ({ xml, autostart }) => {
      // With a <uuid> libvirt would redefine (re-point) an existing pool of that name; without one
      // it refuses a name already taken, so nothing defined outside Paddock is silently adopted.
      if (/<uuid\b|<!DOCTYPE|<!ENTITY/i.test(xml))
        throw refuse('the pool XML must not carry a uuid or a DTD');
      const p = await conn().defineStoragePoolXML(xml);
      try {
        // Judged on libvirt's parsed document: what the appliance wrote could be read differently.
        allowedPath(await p.getXMLDesc());
      } catch (error) {
        await p.undefine().catch(() => {});
        throw error;
      }
      if (autostart) await p.setAutostart(true);
      return describePool(p);
    },
    'pool.check': async ({ path }) => {
      try {
        assertPoolDirectory(path, rules.poolRoots, rules.stateDir);
        return {};
      } catch (error) {
        return { problem: (error as Error).message };
      }
    },
    'pool.start': async ({ name, build }) => {
      const p = await pool(name);
      const path = allowedPath(await p.getXMLDesc());
      // libvirt's build chmods and chowns an existing directory to the pool's permissions.
      if (build && !isDirectory(path)) await p.build();
      await p.create();
      return describePool(p);
    },
    'pool.refresh': async ({ name }) => {
      const p = await pool(name);
      await p.refresh();
      return describePool(p);
    },
    'pool.info': async ({ name }) => describePool(await pool(name)),
    'pool.list': async () => {
      const infos = await conn().listAllStoragePools(0);
      const pools = await Promise.all(
        infos.map(async (info) =>
          poolInfoOf(info, await (await conn().lookupStoragePoolByUUID(info.uuid)).getXMLDesc()),
        ),
      );
      return { pools };
    },
    'pool.delete': async ({ name, deleteData }) => {
      const p = await pool(name);
      if (deleteData) allowedPath(await p.getXMLDesc());
      if ((await p.getInfo()).active) await p.destroy();
      if (deleteData) await p.delete();
      await p.undefine();
      return {};
    },
    'volume.list': async ({ name }) => {
      const p = await pool(name);
      const vols = await p.listAllVolumes();
      const volumes = await Promise.all(
        vols.map(async (v) => describeVolume(name, await p.lookupVolumeByName(v.name))),
      );
      return { volumes };
    },
    'volume.create': async ({ pool: poolName, name, capacityBytes, format, backingPath }) => {
      const p = await pool(poolName);
      let backing = '';
      if (backingPath !== undefined) {
        // Only a volume of a pool under the roots may back an overlay: a host file (/etc/shadow)
        // as backing store would hand its bytes to the guest.
        const backingVolume = fileUnderRoots(backingPath, rules.poolRoots)
          ? await conn()
              .lookupStorageVolumeByPath(backingPath)
              .catch((error: unknown) => {
                if (isLibvirtError(error, ErrorCode.NO_STORAGE_VOL)) return undefined;
                throw error;
              })
          : undefined;
        if (!backingVolume) throw refuse(`backing file ${backingPath} is not a volume of an allowed pool`);
        const fmt = `<format type='${xmlEscape(volumeFormat(await backingVolume.getXMLDesc()))}'/>`;
        backing = `<backingStore><path>${xmlEscape(backingPath)}</path>${fmt}</backingStore>`;
      }
      const xml =
        `<volume><name>${xmlEscape(name)}</name><capacity unit='bytes'>${capacityBytes}</capacity>` +
        `<target><format type='${format}'/></target>${backing}</volume>`;
      return describeVolume(poolName, await p.createVolumeXML(xml));
    },
    'volume.delete': async ({ pool: poolName, name }) => {
      await (await volume(poolName, name)).delete();
      return {};
    },
    'volume.resize': async ({ pool: poolName, name, capacityBytes }) => {
      const vol = await volume(poolName, name);
      const current = (await vol.getInfo()).capacity;
      if (capacityBytes < current) {
        throw new RpcError(
          RpcErrorCode.CONFLICT,
          `shrinking ${poolName}/${name} from ${current} to ${capacityBytes} bytes is refused`,
        );
      }
      if (capacityBytes > current) await vol.resize(capacityBytes);
      return describeVolume(poolName, vol);
    },
    'volume.clone': async ({ pool: poolName, name, source, format }) => {
      const [target, src] = await Promise.all([pool(poolName), volume(source.pool, source.name)]);
      const [srcInfo, srcXml] = await Promise.all([src.getInfo(), src.getXMLDesc()]);
      const fmt = format ?? volumeFormat(srcXml);
      const xml =
        `<volume><name>${xmlEscape(name)}</name><capacity unit='bytes'>${srcInfo.capacity}</capacity>` +
        `<target><format type='${xmlEscape(fmt)}'/></target></volume>`;
      return describeVolume(poolName, await target.createVolumeXMLFrom(xml, src));
    },
    'volume.upload': async ({ pool: poolName, name, offsetBytes, lengthBytes }, ctx) => {
      const vol = await volume(poolName, name);
      const written = await vol.upload(exactly(ctx.incoming, lengthBytes, ctx.signal), {
        offset: offsetBytes ?? 0,
        length: lengthBytes,
      });
      return { bytesWritten: written };
    },
    'volume.download': async ({ pool: poolName, name, offsetBytes, lengthBytes }, ctx) => {
      const vol = await volume(poolName, name);
      let bytesRead = 0;
      // write() waits for the appliance's credit and throws once the call is cancelled; leaving
      // the loop then makes the binding abort the libvirt stream.
      for await (const chunk of vol.download(
        { offset: offsetBytes ?? 0, length: lengthBytes ?? 0 },
        DOWNLOAD_CHUNK_BYTES,
      )) {
        await ctx.outgoing.write(chunk as Uint8Array<ArrayBuffer>);
        bytesRead += chunk.byteLength;
      }
      return { bytesRead };
    },
  };
}

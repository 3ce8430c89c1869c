import { type AgentHandlers, type PaddockResult, RpcError, RpcErrorCode } from '@paddock/protocol';
import {
  type Connection,
  ErrorCode,
  isLibvirtError,
  type StoragePool,
  type StoragePoolInfo,
  type StorageVolume,
} from '../libvirt/index.ts';
import { poolType, volumeFormat, xmlEscape } from './xml.ts';

type StorageHandlers = Pick<
  AgentHandlers,
  | 'pool.define'
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

/** The catalog's PoolInfo from the binding's info plus the pool XML (for the type). */
export function poolInfoOf(info: StoragePoolInfo, xml: string): PoolInfo {
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

/** Storage pools and volumes through virStoragePool*, virStorageVol* and virStream. */
export function storageHandlers(conn: () => Connection): StorageHandlers {
  const pool = (name: string) => conn().lookupStoragePoolByName(name);
  const volume = async (poolName: string, name: string) => (await pool(poolName)).lookupVolumeByName(name);
  return {
    'pool.define': async ({ xml, autostart }) => {
      const p = await conn().defineStoragePoolXML(xml);
      if (autostart) await p.setAutostart(true);
      return describePool(p);
    },
    'pool.start': async ({ name, build }) => {
      const p = await pool(name);
      if (build) await p.build();
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
        // libvirt wants the backing file's format; read it when the file is a known volume.
        const backingFormat = await conn()
          .lookupStorageVolumeByPath(backingPath)
          .then(async (v) => volumeFormat(await v.getXMLDesc()))
          .catch((error: unknown) => {
            if (isLibvirtError(error, ErrorCode.NO_STORAGE_VOL)) return undefined;
            throw error;
          });
        const fmt = backingFormat ? `<format type='${xmlEscape(backingFormat)}'/>` : '';
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

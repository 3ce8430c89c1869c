import type { Volume } from '@paddock/protocol/api/storage';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Kysely } from 'kysely';
import type { AgentHub } from '../../agents/hub.ts';
import type { DB } from '../../db/database.ts';
import { AppError, invalidField } from '../../errors.ts';
import * as tasksRepo from '../../tasks/task-repository.ts';
import { PermanentTaskError, type TaskWorker } from '../../tasks/worker.ts';
import type { Actor } from '../audit/actor.ts';
import { auditSuccess, writeAudit } from '../audit/service.ts';
import { toTask } from '../tasks/service.ts';
import { peekHead, qcow2Problem } from './image-header.ts';
import * as repo from './repository.ts';
import { assertVolumeFits, toVolume, volumeFileName } from './service.ts';

// 1 MiB chunks (the catalog's ceiling): every chunk costs a frame, a credit and a libvirt worker
// round trip on the agent, and Bun hands the body over in pieces of 64 KiB or less.
const CHUNK = 1024 * 1024;
const LEASE_MS = 60_000;
const GiB = 1024 ** 3;

/**
 * Gathers the body's pieces into full CHUNK-sized chunks in ONE reused buffer: each yielded view
 * is only valid until the next is requested, which holds because the stream writer encodes (copies)
 * a chunk synchronously once it has credit. Each piece is released once copied (see `release`), so
 * a 4 GiB upload leaves no garbage behind but the pieces' small wrapper objects.
 */
export async function* gatherChunks(
  body: AsyncIterable<Uint8Array>,
  size = CHUNK,
): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(size);
  let filled = 0;
  for await (const received of body) {
    let piece = received;
    while (piece.byteLength > 0) {
      const take = Math.min(size - filled, piece.byteLength);
      buffer.set(piece.subarray(0, take), filled);
      filled += take;
      piece = piece.subarray(take);
      if (filled === size) {
        yield buffer;
        filled = 0;
      }
    }
    release(received);
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

type Transferable = ArrayBuffer & { readonly detached: boolean; transfer(length: number): ArrayBuffer };

/**
 * Frees a body piece's memory now instead of at the next garbage collection. Bun hands each piece
 * (64-512 KiB) over in a fresh ArrayBuffer that only the reader holds; at upload speed JSC let
 * 40-60 MiB of them pile up before collecting (bench/upload-rss.ts). Detaching (transfer to a
 * zero-length buffer) releases the bytes at once. Pieces that are views into something larger are
 * left alone: they might not be ours.
 */
function release(piece: Uint8Array): void {
  const whole = piece.buffer as Transferable;
  if (piece.byteOffset !== 0 || whole.byteLength !== piece.byteLength || whole.detached) return;
  if (typeof whole.transfer === 'function') whole.transfer(0);
}

/**
 * Streams an uploaded image through the appliance into a new volume on the pool's node: the body
 * flows chunk by chunk under the link's credit window, so appliance memory stays flat whatever
 * the size. The upload is a task (visible in the job center) that this request drives; should the
 * appliance die mid-way, a worker claims the task when its lease runs out and removes the partial
 * volume (`volume.upload` handler below).
 */
export async function uploadVolume(
  db: Kysely<DB>,
  hub: AgentHub,
  actor: Actor,
  input: {
    poolId: string;
    name: string;
    format: 'iso' | 'qcow2' | 'raw';
    lengthBytes: number;
    body: ReadableStream<Uint8Array>;
  },
): Promise<{ volume: Volume; task: Task }> {
  if (!Number.isSafeInteger(input.lengthBytes) || input.lengthBytes <= 0) {
    throw invalidField('content-length', 'an upload needs a Content-Length header with the size in bytes');
  }
  const pool = await repo.findPool(db, input.poolId);
  if (!pool?.node_id) throw new AppError('NOT_FOUND', `storage pool ${input.poolId} does not exist`);
  const nodeId = pool.node_id;
  const { head, all: body } = await peekHead(input.body);
  const problem = input.format === 'qcow2' ? qcow2Problem(head, input.lengthBytes) : undefined;
  if (problem) throw invalidField('body', `the uploaded image ${problem}`);
  const volumeId = crypto.randomUUID();
  const owner = `upload:${process.pid}:${volumeId.slice(0, 8)}`;
  const fileName = volumeFileName(input.name, input.format);
  const taskId = await db.transaction().execute(async (trx) => {
    await assertVolumeFits(trx, pool, input.name);
    await repo.insertVolume(trx, {
      id: volumeId,
      name: input.name,
      format: input.format,
      size_gb: input.lengthBytes / GiB,
      pool_id: pool.id,
      status: 'uploading',
      meta: '{}',
      updated_at: new Date(),
    });
    const { id } = await tasksRepo.insertTask(trx, {
      type: 'volume.upload',
      payload: { volumeId, nodeId, pool: pool.name, file: fileName, lengthBytes: input.lengthBytes },
      targetType: 'volume',
      targetId: volumeId,
      createdBy: actor.userId,
      maxAttempts: 1,
    });
    await tasksRepo.takeLease(trx, id, owner, LEASE_MS);
    return id;
  });
  const renew = setInterval(
    () => void tasksRepo.renewLease(db, taskId, owner, LEASE_MS).catch(() => {}),
    LEASE_MS / 3,
  );
  let created = false;
  try {
    await hub.call(nodeId, 'volume.create', {
      pool: pool.name,
      name: fileName,
      capacityBytes: input.lengthBytes,
      format: 'raw',
    });
    created = true;
    const upload = hub.openStream(nodeId, 'volume.upload', {
      pool: pool.name,
      name: fileName,
      lengthBytes: input.lengthBytes,
    });
    await upload.outgoing.from(gatherChunks(body));
    const { bytesWritten } = await upload.result;
    if (bytesWritten !== input.lengthBytes) {
      throw new AppError('BAD_REQUEST', `received ${bytesWritten} of ${input.lengthBytes} bytes`);
    }
    const listed = await hub.call(nodeId, 'volume.list', { name: pool.name });
    const path = listed.volumes.find((v) => v.name === fileName)?.path ?? null;
    return await db.transaction().execute(async (trx) => {
      await repo.updateVolume(trx, volumeId, { status: 'ready', path });
      await tasksRepo.finishTask(trx, taskId, owner, { status: 'succeeded', result: { bytesWritten, path } });
      await tasksRepo.addEvent(trx, taskId, 'info', `uploaded ${bytesWritten} bytes`);
      await auditSuccess(trx, actor, {
        targetType: 'volume',
        targetId: volumeId,
        detail: { pool: pool.name, name: input.name, bytes: bytesWritten, taskId },
      });
      return {
        volume: toVolume((await repo.findVolume(trx, volumeId))!),
        task: toTask((await tasksRepo.findTask(trx, taskId))!),
      };
    });
  } catch (error) {
    if (created) await hub.call(nodeId, 'volume.delete', { pool: pool.name, name: fileName }).catch(() => {});
    const message = error instanceof Error ? error.message : String(error);
    await db.transaction().execute(async (trx) => {
      await repo.deleteVolume(trx, volumeId);
      await tasksRepo.finishTask(trx, taskId, owner, {
        status: 'failed',
        error: { code: 'UPLOAD_FAILED', message },
      });
      await tasksRepo.addEvent(trx, taskId, 'error', `upload failed: ${message}`);
    });
    await writeAudit(
      db,
      actor,
      {
        targetType: 'volume',
        targetId: volumeId,
        detail: { pool: pool.name, name: input.name, error: message },
      },
      'failure',
    );
    if (error instanceof AppError) error.audited = true;
    throw error;
  } finally {
    clearInterval(renew);
  }
}

/** Cleans up after an upload whose appliance died mid-way (the task's lease ran out). */
export function registerUploadRecovery(worker: TaskWorker, db: Kysely<DB>, agents: AgentHub): void {
  worker.register('volume.upload', async (ctx) => {
    const { volumeId, nodeId, pool, file } = ctx.payload;
    await agents.call(nodeId, 'volume.delete', { pool, name: file }).catch(() => {});
    await repo.deleteVolume(db, volumeId);
    throw new PermanentTaskError(
      'the upload was interrupted (appliance restarted); upload the file again',
      'UPLOAD_INTERRUPTED',
    );
  });
}

import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';

/** JSON columns: objects in, objects out (both drivers parse jsonb). */
type Json<T = Record<string, unknown>> = ColumnType<T, T | string, T | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface UserTable {
  id: string;
  username: string;
  password_hash: string;
  email: string | null;
  display_name: string | null;
  enabled: Generated<boolean>;
  builtin: Generated<boolean>;
  last_login_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RoleTable {
  id: string;
  name: string;
  description: string | null;
  builtin: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PermissionTable {
  name: string;
  description: string;
}

export interface RolePermissionTable {
  role_id: string;
  permission: string;
}

export interface RoleBindingTable {
  user_id: string;
  role_id: string;
  created_at: CreatedAt;
}

export interface RefreshTokenTable {
  id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: Timestamp;
  replaced_by: string | null;
  revoked_at: NullableTimestamp;
  created_at: CreatedAt;
  created_ip: string | null;
}

export interface SettingTable {
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
}

export interface NodeTable {
  id: string;
  hostname: string;
  ip: string | null;
  status: string;
  maintenance: Generated<boolean>;
  virt_type: string | null;
  cpu_total: Generated<number>;
  cpu_used: Generated<number>;
  mem_total: Generated<number>;
  mem_used: Generated<number>;
  disk_total: Generated<number>;
  disk_used: Generated<number>;
  labels: Json<Record<string, string>>;
  meta: Json;
  metrics: Json;
  last_heartbeat: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface NodeStatusEventTable {
  id: Generated<number>;
  node_id: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  created_at: CreatedAt;
}

export interface EnrollmentTokenTable {
  id: string;
  token_hash: string;
  created_by: string | null;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  node_id: string | null;
  created_at: CreatedAt;
}

export interface AgentCredentialTable {
  id: string;
  node_id: string;
  secret_hash: string;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface VolumePoolTable {
  id: string;
  name: string;
  type: string;
  node_id: string | null;
  path: string | null;
  status: string;
  size_gb: Generated<number>;
  used_gb: Generated<number>;
  meta: Json;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface VolumeTable {
  id: string;
  name: string;
  type: Generated<string>;
  format: string;
  size_gb: number;
  pool_id: string;
  vm_id: string | null;
  status: string;
  path: string | null;
  meta: Json;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface NetworkTable {
  id: string;
  name: string;
  type: string;
  cidr: string | null;
  gateway: string | null;
  mtu: Generated<number>;
  vlan_id: number | null;
  meta: Json;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface IpAllocationTable {
  id: string;
  network_id: string;
  address: string;
  vm_id: string | null;
  mac: string | null;
  created_at: CreatedAt;
}

export interface VmTable {
  id: string;
  uuid: string;
  name: string;
  description: string | null;
  node_id: string | null;
  status: string;
  desired_status: string | null;
  vcpu: number;
  memory_mb: number;
  disk_ids: Json<string[]>;
  network_interfaces: Json<Array<Record<string, unknown>>>;
  tags: Json<string[]>;
  managed: Generated<boolean>;
  meta: Json;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SnapshotTable {
  id: string;
  vm_id: string;
  name: string;
  description: string | null;
  parent_id: string | null;
  status: string;
  meta: Json;
  created_at: CreatedAt;
}

export interface TaskTable {
  id: string;
  type: string;
  payload: Json;
  status: string;
  progress: Generated<number>;
  target_type: string | null;
  target_id: string | null;
  parent_id: string | null;
  error: Json<Record<string, unknown> | null>;
  result: Json<Record<string, unknown> | null>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  run_after: Timestamp;
  lease_owner: string | null;
  lease_expires_at: NullableTimestamp;
  cancel_requested: Generated<boolean>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface TaskEventTable {
  id: Generated<number>;
  task_id: string;
  level: string;
  message: string;
  progress: number | null;
  data: Json<Record<string, unknown> | null>;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<number>;
  user_id: string | null;
  username: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  detail: Json;
  source_ip: string | null;
  outcome: string;
  request_id: string | null;
  timestamp: CreatedAt;
}

/** The whole schema as Kysely sees it. */
export interface DB {
  users: UserTable;
  roles: RoleTable;
  permissions: PermissionTable;
  role_permissions: RolePermissionTable;
  role_bindings: RoleBindingTable;
  refresh_tokens: RefreshTokenTable;
  settings: SettingTable;
  nodes: NodeTable;
  node_status_events: NodeStatusEventTable;
  enrollment_tokens: EnrollmentTokenTable;
  agent_credentials: AgentCredentialTable;
  volume_pools: VolumePoolTable;
  volumes: VolumeTable;
  networks: NetworkTable;
  ip_allocations: IpAllocationTable;
  vms: VmTable;
  snapshots: SnapshotTable;
  tasks: TaskTable;
  task_events: TaskEventTable;
  audit_logs: AuditLogTable;
}

export type UserRow = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type RoleRow = Selectable<RoleTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLog = Insertable<AuditLogTable>;
export type RefreshTokenRow = Selectable<RefreshTokenTable>;
export type NodeRow = Selectable<NodeTable>;
export type TaskRow = Selectable<TaskTable>;

/** The database or a transaction on it: what repository functions take. */
export type Conn = Kysely<DB> | Transaction<DB>;

import { type Kysely, sql } from 'kysely';

/**
 * The whole data model of the design (§4) plus what it implies. Plain SQL because it is the
 * clearest description of a schema; one statement per entry since PGlite's extended protocol
 * accepts a single statement per query.
 */
const statements = [
  `CREATE TABLE users (
    id uuid PRIMARY KEY,
    username text NOT NULL,
    password_hash text NOT NULL,
    email text,
    display_name text,
    enabled boolean NOT NULL DEFAULT true,
    builtin boolean NOT NULL DEFAULT false,
    last_login_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE UNIQUE INDEX users_username_key ON users (lower(username))`,
  `CREATE INDEX users_created_at_idx ON users (created_at, id)`,
  `CREATE TABLE roles (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    description text,
    builtin boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE permissions (
    name text PRIMARY KEY,
    description text NOT NULL
  )`,
  `CREATE TABLE role_permissions (
    role_id uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission text NOT NULL,
    PRIMARY KEY (role_id, permission)
  )`,
  `CREATE TABLE role_bindings (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role_id)
  )`,
  `CREATE INDEX role_bindings_role_idx ON role_bindings (role_id)`,
  `CREATE TABLE refresh_tokens (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id uuid NOT NULL,
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    replaced_by uuid,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_ip text
  )`,
  `CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`,
  `CREATE TABLE settings (
    key text PRIMARY KEY,
    value jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE nodes (
    id uuid PRIMARY KEY,
    hostname text NOT NULL,
    ip text,
    status text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline', 'maintenance')),
    maintenance boolean NOT NULL DEFAULT false,
    virt_type text,
    cpu_total integer NOT NULL DEFAULT 0,
    cpu_used double precision NOT NULL DEFAULT 0,
    mem_total bigint NOT NULL DEFAULT 0,
    mem_used bigint NOT NULL DEFAULT 0,
    disk_total bigint NOT NULL DEFAULT 0,
    disk_used bigint NOT NULL DEFAULT 0,
    labels jsonb NOT NULL DEFAULT '{}',
    meta jsonb NOT NULL DEFAULT '{}',
    metrics jsonb NOT NULL DEFAULT '{}',
    last_heartbeat timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE UNIQUE INDEX nodes_hostname_key ON nodes (hostname)`,
  `CREATE TABLE node_status_events (
    id bigserial PRIMARY KEY,
    node_id uuid NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    from_status text,
    to_status text NOT NULL,
    reason text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX node_status_events_node_idx ON node_status_events (node_id, created_at)`,
  `CREATE TABLE enrollment_tokens (
    id uuid PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    node_id uuid REFERENCES nodes (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE agent_credentials (
    id uuid PRIMARY KEY,
    node_id uuid NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    secret_hash text NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX agent_credentials_node_idx ON agent_credentials (node_id)`,
  `CREATE TABLE volume_pools (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    type text NOT NULL CHECK (type IN ('dir', 'lvm', 'nfs', 'rbd', 'iscsi')),
    node_id uuid REFERENCES nodes (id) ON DELETE RESTRICT,
    path text,
    status text NOT NULL DEFAULT 'pending',
    size_gb double precision NOT NULL DEFAULT 0,
    used_gb double precision NOT NULL DEFAULT 0,
    meta jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE vms (
    id uuid PRIMARY KEY,
    uuid uuid NOT NULL UNIQUE,
    name text NOT NULL,
    description text,
    node_id uuid REFERENCES nodes (id) ON DELETE RESTRICT,
    status text NOT NULL CHECK (status IN ('creating', 'stopped', 'starting', 'running', 'paused', 'stopping',
      'migrating', 'error', 'deleting', 'unknown')),
    desired_status text,
    vcpu integer NOT NULL CHECK (vcpu > 0),
    memory_mb integer NOT NULL CHECK (memory_mb > 0),
    disk_ids jsonb NOT NULL DEFAULT '[]',
    network_interfaces jsonb NOT NULL DEFAULT '[]',
    tags jsonb NOT NULL DEFAULT '[]',
    managed boolean NOT NULL DEFAULT true,
    meta jsonb NOT NULL DEFAULT '{}',
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE UNIQUE INDEX vms_name_key ON vms (lower(name))`,
  `CREATE INDEX vms_node_idx ON vms (node_id)`,
  `CREATE INDEX vms_status_idx ON vms (status)`,
  `CREATE INDEX vms_created_at_idx ON vms (created_at, id)`,
  `CREATE TABLE volumes (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    type text NOT NULL DEFAULT 'disk',
    format text NOT NULL CHECK (format IN ('qcow2', 'raw', 'iso')),
    size_gb double precision NOT NULL CHECK (size_gb >= 0),
    pool_id uuid NOT NULL REFERENCES volume_pools (id) ON DELETE RESTRICT,
    vm_id uuid REFERENCES vms (id) ON DELETE SET NULL,
    status text NOT NULL DEFAULT 'pending',
    path text,
    meta jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pool_id, name)
  )`,
  `CREATE INDEX volumes_vm_idx ON volumes (vm_id)`,
  `CREATE TABLE networks (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    type text NOT NULL CHECK (type IN ('bridge', 'ovs', 'vlan', 'vxlan')),
    cidr cidr,
    gateway inet,
    mtu integer NOT NULL DEFAULT 1500 CHECK (mtu BETWEEN 576 AND 9216),
    vlan_id integer CHECK (vlan_id BETWEEN 1 AND 4094),
    meta jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE ip_allocations (
    id uuid PRIMARY KEY,
    network_id uuid NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    address inet NOT NULL,
    vm_id uuid REFERENCES vms (id) ON DELETE SET NULL,
    mac text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (network_id, address)
  )`,
  `CREATE TABLE snapshots (
    id uuid PRIMARY KEY,
    vm_id uuid NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    name text NOT NULL,
    description text,
    parent_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
    status text NOT NULL DEFAULT 'creating',
    meta jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (vm_id, name)
  )`,
  `CREATE TABLE tasks (
    id uuid PRIMARY KEY,
    type text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    target_type text,
    target_id text,
    parent_id uuid REFERENCES tasks (id) ON DELETE CASCADE,
    error jsonb,
    result jsonb,
    attempts integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 3,
    run_after timestamptz NOT NULL DEFAULT now(),
    lease_owner text,
    lease_expires_at timestamptz,
    cancel_requested boolean NOT NULL DEFAULT false,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz
  )`,
  `CREATE INDEX tasks_claim_idx ON tasks (run_after) WHERE status = 'queued'`,
  `CREATE INDEX tasks_target_idx ON tasks (target_type, target_id)`,
  `CREATE INDEX tasks_created_at_idx ON tasks (created_at, id)`,
  `CREATE TABLE task_events (
    id bigserial PRIMARY KEY,
    task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    level text NOT NULL DEFAULT 'info',
    message text NOT NULL,
    progress integer,
    data jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX task_events_task_idx ON task_events (task_id, id)`,
  `CREATE TABLE audit_logs (
    id bigserial PRIMARY KEY,
    user_id uuid,
    username text,
    action text NOT NULL,
    target_type text,
    target_id text,
    detail jsonb NOT NULL DEFAULT '{}',
    source_ip text,
    outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    request_id text,
    timestamp timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX audit_logs_timestamp_idx ON audit_logs (timestamp)`,
  `CREATE INDEX audit_logs_user_idx ON audit_logs (user_id, timestamp)`,
  `CREATE INDEX audit_logs_target_idx ON audit_logs (target_type, target_id)`,
];

/** Creates every table. */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** Drops every table, children first. */
export async function down(db: Kysely<unknown>): Promise<void> {
  const tables = [
    'audit_logs',
    'task_events',
    'tasks',
    'snapshots',
    'ip_allocations',
    'networks',
    'volumes',
    'vms',
    'volume_pools',
    'agent_credentials',
    'enrollment_tokens',
    'node_status_events',
    'nodes',
    'settings',
    'refresh_tokens',
    'role_bindings',
    'role_permissions',
    'permissions',
    'roles',
    'users',
  ];
  for (const table of tables) await sql.raw(`DROP TABLE IF EXISTS ${table} CASCADE`).execute(db);
}

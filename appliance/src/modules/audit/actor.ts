/** Who is making a change and from where: what services need to audit it, without HTTP types. */
export interface Actor {
  userId: string | null;
  username: string | null;
  ip: string | null;
  requestId: string | null;
  /** The audit action of the route being served (its permission unless the route names one). */
  action: string;
}

/** The actor for changes made by the appliance itself (bootstrap, CLI). */
export function systemActor(action: string, username = 'system'): Actor {
  return { userId: null, username, ip: null, requestId: null, action };
}

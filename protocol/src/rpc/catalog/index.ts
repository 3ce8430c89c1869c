import type {
  HandledMethods,
  ParamsOf,
  ReceivedNotifications,
  RequestMethods,
  ResultOf,
  SentNotifications,
  StreamMethods,
} from '../method.ts';
import type { Handler, Handlers, RpcPeer } from '../peer.ts';
import { agentMethods } from './agent.ts';
import { consoleMethods } from './console.ts';
import { domainMethods } from './domain.ts';
import { snapshotMethods } from './snapshot.ts';
import { storageMethods } from './storage.ts';

/** Every method of the agent link, declared once: direction, params, result, streams. */
export const paddockCatalog = {
  ...agentMethods,
  ...domainMethods,
  ...snapshotMethods,
  ...storageMethods,
  ...consoleMethods,
};

/** The type of the agent-link catalog. */
export type PaddockCatalog = typeof paddockCatalog;
/** Any method name of the agent link. */
export type PaddockMethod = keyof PaddockCatalog & string;
/** Static params of a Paddock method. */
export type PaddockParams<M extends PaddockMethod> = ParamsOf<PaddockCatalog, M>;
/** Static result of a Paddock request or stream method. */
export type PaddockResult<M extends PaddockMethod> = ResultOf<PaddockCatalog, M>;

/** The appliance's end of an agent link. */
export type AppliancePeer = RpcPeer<PaddockCatalog, 'appliance'>;
/** The agent's end of the link. */
export type AgentPeer = RpcPeer<PaddockCatalog, 'agent'>;

/** Methods the appliance answers (agent → appliance requests). */
export type ApplianceHandled = HandledMethods<PaddockCatalog, 'appliance'>;
/** Methods the agent answers (appliance → agent requests and streams). */
export type AgentHandled = HandledMethods<PaddockCatalog, 'agent'>;
/** Every handler the appliance must provide; type a handler object with it to have coverage checked. */
export type ApplianceHandlers = Handlers<PaddockCatalog, 'appliance'>;
/** Every handler the agent must provide. */
export type AgentHandlers = Handlers<PaddockCatalog, 'agent'>;
/** One appliance-side handler. */
export type ApplianceHandler<M extends ApplianceHandled> = Handler<PaddockCatalog, 'appliance', M>;
/** One agent-side handler. */
export type AgentHandler<M extends AgentHandled> = Handler<PaddockCatalog, 'agent', M>;
/** Requests the appliance may send to an agent. */
export type ApplianceRequests = RequestMethods<PaddockCatalog, 'appliance'>;
/** Streams the appliance may open on an agent. */
export type ApplianceStreams = StreamMethods<PaddockCatalog, 'appliance'>;
/** Notifications the agent sends (and the appliance listens to). */
export type AgentNotifications = SentNotifications<PaddockCatalog, 'agent'>;
/** Notifications the appliance receives. */
export type ApplianceReceived = ReceivedNotifications<PaddockCatalog, 'appliance'>;

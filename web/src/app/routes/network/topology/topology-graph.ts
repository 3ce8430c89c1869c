import type { Network } from '@paddock/protocol/api/networks';
import type { Node } from '@paddock/protocol/api/nodes';
import type { Vm } from '@paddock/protocol/api/vms';

/** Graph categories, in the legend's order. */
export const CATEGORY = { node: 0, bridge: 1, vm: 2 } as const;

/** VM colours by state; data colours that read on light and dark backgrounds alike. */
export const VM_COLORS: Record<string, string> = {
  running: '#52c41a',
  stopped: '#8c8c8c',
  paused: '#faad14',
  error: '#f5222d',
  unknown: '#8c8c8c',
  creating: '#1677ff',
  starting: '#1677ff',
  stopping: '#1677ff',
  migrating: '#1677ff',
  deleting: '#1677ff',
};
export const NODE_COLORS: Record<string, string> = {
  online: '#2f54eb',
  offline: '#8c8c8c',
  maintenance: '#faad14',
};
export const BRIDGE_COLOR = '#13c2c2';

/** One drawn item: `route` is where a click goes. */
export interface GraphItem {
  id: string;
  name: string;
  category: number;
  symbol: string;
  symbolSize: number;
  itemStyle: { color: string };
  route: string | null;
  /** Shown in the tooltip. */
  detail: string;
}

export interface GraphLink {
  source: string;
  target: string;
  lineStyle?: { type: 'dashed' };
}

/** What is drawn, also as a tree for the text version of the view. */
export interface Topology {
  items: GraphItem[];
  links: GraphLink[];
  hosts: {
    node: Node;
    bridges: { network: Network; vms: Vm[] }[];
    /** VMs on this node with no NIC on a known network. */
    detached: Vm[];
  }[];
  /** VMs not on any known node (not placed yet), by network. */
  unplaced: Vm[];
  /** Networks no drawn VM uses. */
  unused: Network[];
  counts: { nodes: number; networks: number; vms: number };
}

/**
 * Nodes → the bridges of each network on that node → VMs. A bridge network exists on every node,
 * so a bridge is drawn per (node, network) where that node has VMs on it; a network no VM uses is
 * drawn once, linked (dashed) to every node as "available". VMs not on a known node hang off the
 * network itself.
 */
export function buildTopology(nodes: Node[], networks: Network[], vms: Vm[]): Topology {
  const items: GraphItem[] = [];
  const links: GraphLink[] = [];
  const networkById = new Map(networks.map((n) => [n.id, n]));
  const nodeIds = new Set(nodes.map((n) => n.id));
  const used = new Set<string>();
  const hosts: Topology['hosts'] = [];

  for (const node of nodes) {
    items.push({
      id: `node:${node.id}`,
      name: node.hostname,
      category: CATEGORY.node,
      symbol: 'roundRect',
      symbolSize: 34,
      itemStyle: { color: NODE_COLORS[node.status] ?? NODE_COLORS['offline']! },
      route: `/nodes/${node.id}`,
      detail: node.status,
    });
    const onNode = vms.filter((vm) => vm.nodeId === node.id);
    const bridges = new Map<string, { network: Network; vms: Vm[] }>();
    const detached: Vm[] = [];
    for (const vm of onNode) {
      const nets = [...new Set(vm.nics.map((nic) => nic.networkId))].filter((id) => networkById.has(id));
      if (nets.length === 0) detached.push(vm);
      for (const id of nets) {
        const entry = bridges.get(id) ?? { network: networkById.get(id)!, vms: [] };
        entry.vms.push(vm);
        bridges.set(id, entry);
        used.add(id);
      }
    }
    for (const { network } of bridges.values()) {
      const id = `br:${node.id}:${network.id}`;
      items.push({
        id,
        name: network.bridge ? `${network.name} (${network.bridge})` : network.name,
        category: CATEGORY.bridge,
        symbol: 'diamond',
        symbolSize: 22,
        itemStyle: { color: BRIDGE_COLOR },
        route: null,
        detail: network.cidr ?? '',
      });
      links.push({ source: `node:${node.id}`, target: id });
    }
    for (const vm of onNode) {
      items.push(vmItem(vm));
      const nets = new Set(vm.nics.map((nic) => nic.networkId));
      let linked = false;
      for (const netId of nets) {
        if (!bridges.has(netId)) continue;
        links.push({ source: `br:${node.id}:${netId}`, target: `vm:${vm.id}` });
        linked = true;
      }
      if (!linked)
        links.push({ source: `node:${node.id}`, target: `vm:${vm.id}`, lineStyle: { type: 'dashed' } });
    }
    hosts.push({ node, bridges: [...bridges.values()], detached });
  }

  const unplaced = vms.filter((vm) => !vm.nodeId || !nodeIds.has(vm.nodeId));
  const networkItems = new Set<string>();
  const networkItem = (network: Network) => {
    const id = `net:${network.id}`;
    if (networkItems.has(id)) return id;
    networkItems.add(id);
    items.push({
      id,
      name: network.bridge ? `${network.name} (${network.bridge})` : network.name,
      category: CATEGORY.bridge,
      symbol: 'diamond',
      symbolSize: 22,
      itemStyle: { color: BRIDGE_COLOR },
      route: null,
      detail: network.cidr ?? '',
    });
    return id;
  };
  for (const vm of unplaced) {
    items.push(vmItem(vm));
    for (const netId of new Set(vm.nics.map((nic) => nic.networkId))) {
      const network = networkById.get(netId);
      if (!network) continue;
      used.add(netId);
      links.push({ source: networkItem(network), target: `vm:${vm.id}` });
    }
  }

  const unused = networks.filter((n) => !used.has(n.id));
  for (const network of unused) {
    const id = networkItem(network);
    // Available on every node; not drawn for big clusters, where the lines would hide the rest.
    if (nodes.length <= 50) {
      for (const node of nodes)
        links.push({ source: `node:${node.id}`, target: id, lineStyle: { type: 'dashed' } });
    }
  }

  return {
    items,
    links,
    hosts,
    unplaced,
    unused,
    counts: { nodes: nodes.length, networks: networks.length, vms: vms.length },
  };
}

function vmItem(vm: Vm): GraphItem {
  return {
    id: `vm:${vm.id}`,
    name: vm.name,
    category: CATEGORY.vm,
    symbol: 'circle',
    symbolSize: 14,
    itemStyle: { color: VM_COLORS[vm.status] ?? VM_COLORS['unknown']! },
    route: `/vms/${vm.id}`,
    detail: vm.status,
  };
}

import { formatMs, formatPercent } from '../format.ts';
import type { TopologyEdge, TopologyNode } from './use-topology.ts';

/** What an edge says on the graph: calls and error rate, then p50/p99. */
export function edgeLabelLines(edge: TopologyEdge): string[] {
  return [
    `${edge.failures > 0 ? '⚠ ' : ''}${edge.calls} calls · ${formatPercent(edge.errorRate)} errors`,
    `p50 ${formatMs(edge.p50Ms)} · p99 ${formatMs(edge.p99Ms)}`,
  ];
}

const maxLabel = 48;

export function nodeLabel(node: TopologyNode): string {
  const text = node.type === 'route' ? `route ${routeName(node)} (${node.app})` : node.uri;
  return text.length > maxLabel ? `${text.slice(0, maxLabel - 1)}…` : text;
}

/** A route by its id where the data tells it, else by its `from` endpoint URI. */
export function routeName(node: Extract<TopologyNode, { type: 'route' }>): string {
  return node.routeId !== '' ? node.routeId : (node.uri ?? node.id);
}

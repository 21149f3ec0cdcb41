import { Graph, layout } from '@dagrejs/dagre';
import { type Edge, MarkerType, type Node, Position } from '@xyflow/react';
import { edgeLabelLines, nodeLabel } from './edge-label.ts';
import type { Topology } from './use-topology.ts';

const nodeHeight = 44;
const charWidth = 7.5;

/** Positions routes and endpoints top to bottom (callers before callees) with dagre, as xyflow nodes and edges. */
export function layoutTopology(topology: Topology): { nodes: Node[]; edges: Edge[] } {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 140, ranksep: 90, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  const sizes = new Map<string, { label: string; width: number }>();
  for (const node of topology.nodes) {
    const label = nodeLabel(node);
    const width = Math.max(140, label.length * charWidth + 32);
    sizes.set(node.id, { label, width });
    graph.setNode(node.id, { width, height: nodeHeight });
  }
  topology.edges.forEach((edge, i) => {
    graph.setEdge(edge.from, edge.to, {}, String(i));
  });
  layout(graph);

  const nodes: Node[] = topology.nodes.map((node) => {
    const { x, y } = graph.node(node.id);
    const size = sizes.get(node.id) ?? { label: node.id, width: 140 };
    return {
      id: node.id,
      position: { x: x - size.width / 2, y: y - nodeHeight / 2 },
      data: { label: size.label },
      sourcePosition: Position.Bottom,
      targetPosition: Position.Top,
      connectable: false,
      ariaLabel: node.type === 'route' ? `Route ${size.label}` : `Endpoint ${size.label}`,
      className: node.type === 'route' ? 'cameleer-route' : 'cameleer-endpoint',
      style: { width: size.width },
    };
  });
  const edges: Edge[] = topology.edges.map((edge, i) => {
    const failing = edge.failures > 0;
    return {
      id: `e${i}`,
      source: edge.from,
      target: edge.to,
      type: 'metrics',
      data: { lines: edgeLabelLines(edge), failing },
      markerEnd: { type: MarkerType.ArrowClosed },
      style: failing ? { stroke: 'var(--mantine-color-red-7)', strokeWidth: 2 } : { strokeWidth: 1.5 },
    };
  });
  return { nodes, edges };
}

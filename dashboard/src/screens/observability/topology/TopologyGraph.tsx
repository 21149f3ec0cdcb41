import '@xyflow/react/dist/style.css';
import { useComputedColorScheme } from '@mantine/core';
import { Background, Controls, ReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { layoutTopology } from './layout-topology.ts';
import { MetricsEdge } from './MetricsEdge.tsx';

const edgeTypes = { metrics: MetricsEdge };

import type { Topology } from './use-topology.ts';

/** The routes and endpoints as a graph; nodes can be moved, nothing can be connected or deleted. */
export function TopologyGraph({ topology }: { topology: Topology }) {
  const colorMode = useComputedColorScheme('light');
  const { nodes, edges } = useMemo(() => layoutTopology(topology), [topology]);
  return (
    <figure style={{ height: 640, margin: 0 }} aria-label="Route topology graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        colorMode={colorMode}
        edgeTypes={edgeTypes}
        fitView
        fitViewOptions={{ maxZoom: 1.2, padding: 0.05 }}
        minZoom={0.2}
        nodesConnectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </figure>
  );
}

import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath } from '@xyflow/react';

export type MetricsEdgeData = { lines: string[]; failing: boolean };

/** An edge with its traffic written beside it on two lines, readable at the graph's usual zoom. */
export function MetricsEdge(props: EdgeProps) {
  const data = props.data as MetricsEdgeData | undefined;
  const [path, labelX, labelY] = getBezierPath(props);
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} style={props.style} />
      <EdgeLabelRenderer>
        <div
          className="nodrag nopan cameleer-edge-label"
          style={{
            position: 'absolute',
            transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
            background: 'var(--mantine-color-body)',
            border: `1px solid ${data?.failing ? 'var(--mantine-color-red-light-color)' : 'var(--mantine-color-default-border)'}`,
            borderRadius: 4,
            padding: '2px 6px',
            fontSize: 11,
            lineHeight: 1.3,
            textAlign: 'center',
            whiteSpace: 'nowrap',
          }}
        >
          {data?.lines.map((line) => (
            <div key={line}>{line}</div>
          ))}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

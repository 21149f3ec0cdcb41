import 'uplot/dist/uPlot.min.css';
import { useComputedColorScheme } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export type ChartSeries = { label: string; colour: string; dash?: number[]; values: number[] };

/** A time series chart: x is unix seconds; lines are told apart by dash as well as colour. */
export function UPlotChart({
  label,
  times,
  series,
  unit,
  xRange,
}: {
  label: string;
  times: number[];
  series: ChartSeries[];
  unit: string;
  /** The x range in unix seconds: the picked time range, however few minutes had traffic. */
  xRange: [number, number];
}) {
  const { ref: box, width } = useElementSize();
  const target = useRef<HTMLDivElement>(null);
  const scheme = useComputedColorScheme('light');
  useEffect(() => {
    const el = target.current;
    if (!el || width === 0) return;
    const ink = scheme === 'dark' ? '#c9c9c9' : '#495057';
    const grid = scheme === 'dark' ? '#373a40' : '#e9ecef';
    const axis = { stroke: ink, grid: { stroke: grid }, ticks: { stroke: grid } };
    const chart = new uPlot(
      {
        width,
        height: 200,
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.colour,
            width: 2,
            dash: s.dash,
            value: (_: uPlot, v: number | null) => (v === null ? '—' : `${v} ${unit}`),
          })),
        ],
        axes: [axis, { ...axis, size: 56 }],
        scales: {
          x: { time: true, range: () => xRange },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
        },
      },
      [times, ...series.map((s) => s.values)],
      el,
    );
    return () => chart.destroy();
  }, [width, times, series, unit, scheme, xRange]);
  return (
    <figure aria-label={label} style={{ margin: 0 }}>
      <div ref={box}>
        <div ref={target} />
      </div>
    </figure>
  );
}

export const fmt = (n: number, digits: number) => n.toFixed(digits);
export const ms = (n: number) => fmt(n, 2);

/** One line of a report: a measured value against its target. */
export const check = (name: string, value: string, target: string, met: boolean) =>
  `  ${name.padEnd(34)}${value.padStart(10)}   target ${target.padEnd(10)} ${met ? 'MET' : 'NOT MET'}`;

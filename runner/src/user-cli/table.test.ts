import { expect, it } from 'vitest';
import { formatTable } from './table.ts';

it('aligns columns to the widest cell and trims line ends', () => {
  expect(
    formatTable(
      ['ID', 'NAME'],
      [
        ['r1', 'a-long-name'],
        ['runner-2', 'b'],
      ],
    ),
  ).toBe('ID        NAME\nr1        a-long-name\nrunner-2  b\n');
});

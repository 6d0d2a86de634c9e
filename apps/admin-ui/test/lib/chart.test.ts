import { describe, expect, it } from 'vitest';
import { bandWidth, barsPath, knownPoints, linePath, niceCeiling, stackSeries, xAt, yAt, type Plot } from '../../src/lib/chart';

const PLOT: Plot = { width: 100, height: 50 };

describe('niceCeiling', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(0.13)).toBe(0.2);
    expect(niceCeiling(0.2)).toBe(0.2);
    expect(niceCeiling(2.2)).toBe(2.5);
    expect(niceCeiling(3)).toBe(5);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(10)).toBe(10);
    expect(niceCeiling(1234)).toBe(2000);
  });

  it('gives 1 when there is nothing to scale', () => {
    expect(niceCeiling(Number.NaN)).toBe(1);
    expect(niceCeiling(-3)).toBe(1);
  });
});

describe('scales', () => {
  it('places each point at the centre of its band, oldest first', () => {
    expect(bandWidth(4, PLOT)).toBe(25);
    expect(xAt(0, 4, PLOT)).toBe(12.5);
    expect(xAt(3, 4, PLOT)).toBe(87.5);
  });

  it('maps 0 to the bottom and the maximum to the top, clipping outside values', () => {
    expect(yAt(0, 10, PLOT)).toBe(50);
    expect(yAt(5, 10, PLOT)).toBe(25);
    expect(yAt(10, 10, PLOT)).toBe(0);
    expect(yAt(20, 10, PLOT)).toBe(0);
    expect(yAt(-1, 10, PLOT)).toBe(50);
  });
});

describe('stackSeries', () => {
  it('gives the running total of the series at each point', () => {
    expect(
      stackSeries([
        [1, 0, 2],
        [3, 1, 0],
        [0, 0, 1],
      ]),
    ).toEqual([
      [1, 0, 2],
      [4, 1, 2],
      [4, 1, 3],
    ]);
    expect(stackSeries([])).toEqual([]);
  });
});

describe('barsPath', () => {
  it('draws one rectangle per non-empty point of a layer, with a gap between wide bars', () => {
    // Bands of 25 units: 1-unit gaps. Point 1 is empty in this layer.
    expect(barsPath([0, 1, 0, 2], [10, 1, 5, 4], 10, PLOT)).toBe(
      'M0.5 0h24V50h-24Z' + 'M50.5 25h24V50h-24Z' + 'M75.5 30h24V40h-24Z',
    );
  });

  it('draws bars without gaps when they are narrow, and nothing for an empty layer', () => {
    expect(barsPath([0, 0], [0, 0], 1, PLOT)).toBe('');
    const narrow = barsPath(
      Array.from({ length: 50 }, () => 0),
      Array.from({ length: 50 }, (_, i) => (i === 49 ? 1 : 0)),
      1,
      PLOT,
    );
    expect(narrow).toBe('M98 0h2V50h-2Z');
  });
});

describe('knownPoints and linePath', () => {
  it('draws one line through every known value, across intervals without data', () => {
    const points = knownPoints([50, null, null, 100, null, 0], 100, { width: 60, height: 10 });
    expect(points).toEqual([
      { x: 5, y: 5 },
      { x: 35, y: 0 },
      { x: 55, y: 10 },
    ]);
    expect(linePath(points)).toBe('M5 5L35 0L55 10');
    expect(linePath([])).toBe('');
  });

  it('has no point when no interval has data', () => {
    expect(knownPoints([null, null], 100, PLOT)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatMilliseconds, formatPercent, formatRate, formatSeconds } from '../../src/lib/format';

describe('formatBytes', () => {
  it('uses powers of 1024 with at most one decimal, like the proxy limits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(256 * 1024 ** 2)).toBe('256 MiB');
    expect(formatBytes(150.4 * 1024)).toBe('150 KiB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3 TiB');
  });
});

describe('formatSeconds', () => {
  it('shows the two largest units', () => {
    expect(formatSeconds(0)).toBe('0s');
    expect(formatSeconds(45)).toBe('45s');
    expect(formatSeconds(125)).toBe('2m 5s');
    expect(formatSeconds(3600)).toBe('1h');
    expect(formatSeconds(3 * 3600 + 20 * 60 + 9)).toBe('3h 20m');
    expect(formatSeconds(2 * 86_400 + 4 * 3600 + 59)).toBe('2d 4h');
  });

  it('treats negative durations as zero and rounds fractions', () => {
    expect(formatSeconds(-5)).toBe('0s');
    expect(formatSeconds(59.6)).toBe('1m');
  });
});

describe('formatMilliseconds', () => {
  it('keeps a decimal below 10 ms and switches to seconds from 1000 ms', () => {
    expect(formatMilliseconds(0.84)).toBe('0.8 ms');
    expect(formatMilliseconds(12.4)).toBe('12 ms');
    expect(formatMilliseconds(1250)).toBe('1.25 s');
  });
});

describe('formatPercent', () => {
  it('shows at most one decimal', () => {
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(57.14)).toBe('57.1 %');
    expect(formatPercent(100)).toBe('100 %');
  });
});

describe('formatRate and formatCount', () => {
  it('shows requests per second with fewer decimals as they grow', () => {
    expect(formatRate(0)).toBe('0');
    expect(formatRate(0.25)).toBe('0.25/s');
    expect(formatRate(0.2)).toBe('0.2/s');
    expect(formatRate(2.5)).toBe('2.5/s');
    expect(formatRate(10)).toBe('10/s');
    expect(formatRate(14.6)).toBe('15/s');
  });

  it('groups thousands', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});

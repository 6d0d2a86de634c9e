import { describe, expect, it } from 'vitest';
import {
  FrameBoundary,
  closeFrame,
  serializeResponseHead,
  tunnelRequestHeaders,
  upgradeProtocols,
} from '../../src/data-plane/upgrade-messages.js';

/** A frame as RFC 6455 §5.2 lays it out, with a payload of `length` bytes. */
function frame(length: number, masked: boolean): Buffer {
  const extended = length < 126 ? [] : length < 65536 ? [length >> 8, length & 0xff] : [0, 0, 0, 0, 0, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
  const length7 = length < 126 ? length : length < 65536 ? 126 : 127;
  const mask = masked ? [1, 2, 3, 4] : [];
  return Buffer.concat([Buffer.from([0x82, (masked ? 0x80 : 0) | length7, ...extended, ...mask]), Buffer.alloc(length, 7)]);
}

describe('upgrade messages', () => {
  it('lists the protocols of the Upgrade field in lower case', () => {
    expect(upgradeProtocols({ upgrade: 'WebSocket' })).toEqual(['websocket']);
    expect(upgradeProtocols({ upgrade: 'h2c, websocket/13 ' })).toEqual(['h2c', 'websocket/13']);
    expect(upgradeProtocols({})).toEqual([]);
  });

  it('sends the next hop its own Host, Connection: Upgrade, Upgrade: websocket and Via, and no Content-Length', () => {
    const headers = tunnelRequestHeaders(
      ['Sec-WebSocket-Key', 'k', 'content-length', '0', 'Via', '1.1 other', 'X-App', 'a'],
      new URL('http://example.com:8080/chat'),
      '1.1 caching-proxy',
    );
    expect(headers).toEqual([
      'Sec-WebSocket-Key', 'k', 'X-App', 'a',
      'host', 'example.com:8080', 'connection', 'Upgrade', 'upgrade', 'websocket', 'via', '1.1 caching-proxy',
    ]);
  });

  it('writes a response head with its reason phrase', () => {
    expect(serializeResponseHead(101, ['upgrade', 'websocket'])).toBe('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n');
  });

  it('builds Close frames with the code and reason, masked towards the origin (RFC 6455 §5.3, §5.5.1)', () => {
    const plain = closeFrame(1001, 'bye', false);
    expect([...plain.subarray(0, 2)]).toEqual([0x88, 5]);
    expect(plain.readUInt16BE(2)).toBe(1001);
    expect(plain.subarray(4).toString()).toBe('bye');

    const masked = closeFrame(1001, 'bye', true);
    expect([...masked.subarray(0, 2)]).toEqual([0x88, 0x85]);
    const key = masked.subarray(2, 6);
    const payload = Buffer.from(masked.subarray(6).map((byte, i) => byte ^ key[i % 4]!));
    expect(payload.readUInt16BE(0)).toBe(1001);
    expect(payload.subarray(2).toString()).toBe('bye');
    expect(closeFrame(1001, 'x'.repeat(200), false).length).toBe(2 + 125);
  });

  it('knows whether a stream stands between frames, whatever the chunking', () => {
    const stream = Buffer.concat([frame(5, true), frame(300, false), frame(70_000, true), frame(0, false)]);
    for (const chunkSize of [1, 3, 7, 1000, stream.length]) {
      const boundary = new FrameBoundary();
      const boundaries: number[] = [];
      for (let offset = 0; offset < stream.length; offset += chunkSize) {
        boundary.push(stream.subarray(offset, offset + chunkSize));
        if (boundary.atBoundary) boundaries.push(Math.min(offset + chunkSize, stream.length));
      }
      expect(boundaries.at(-1)).toBe(stream.length);
      if (chunkSize === 1) expect(boundaries).toEqual([11, 11 + 304, 11 + 304 + 70_014, stream.length]);
    }
    const partial = new FrameBoundary();
    partial.push(frame(10, false).subarray(0, 5));
    expect(partial.atBoundary).toBe(false);
  });
});

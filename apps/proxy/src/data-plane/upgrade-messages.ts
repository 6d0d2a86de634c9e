import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';

/**
 * The messages of a tunnelled WebSocket upgrade (RFC 9110 §7.8, RFC 6455 §4): which upgrades are
 * tunnelled, the request fields the origin receives, response heads written on the raw client
 * socket, and the close frame sent when the proxy ends a tunnel. Pure: no sockets.
 */

/** The one protocol the proxy tunnels (RFC 6455 §4.1, registered in RFC 9110 §16.7). */
export const WEBSOCKET = 'websocket';

/**
 * The protocols a request's Upgrade field lists (RFC 9110 §7.8: `protocol-name["/"version]`,
 * comma-separated), lowercased.
 */
export function upgradeProtocols(headers: IncomingHttpHeaders): string[] {
  const value = headers.upgrade;
  if (value === undefined) return [];
  return value
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
}

/**
 * The origin-bound fields of a WebSocket upgrade: the client's end-to-end fields (hop-by-hop ones
 * already removed by the caller, Sec-WebSocket-* kept since they are end-to-end), then the
 * fields the proxy sets itself — Host from the target, `Connection: Upgrade` and
 * `Upgrade: websocket` for this next hop (RFC 9110 §7.8: a proxy forwards an upgrade only by
 * sending them again), and Via (RFC 9110 §7.6.3). Content-Length is dropped: the handshake is
 * a GET without content (RFC 6455 §4.1), and bytes after it belong to the tunnel.
 */
export function tunnelRequestHeaders(endToEnd: readonly string[], target: URL, via: string): string[] {
  const headers: string[] = [];
  for (let i = 0; i < endToEnd.length; i += 2) {
    const name = endToEnd[i]!;
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'via') continue;
    headers.push(name, endToEnd[i + 1]!);
  }
  headers.push('host', target.host, 'connection', 'Upgrade', 'upgrade', WEBSOCKET, 'via', via);
  return headers;
}

/**
 * An HTTP/1.1 response head for a raw socket: status line, `[name, value, …]` fields, blank line.
 * Field values come from Node's parser or from the proxy itself, so they hold no CR or LF.
 */
export function serializeResponseHead(status: number, headers: readonly string[]): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/** RFC 6455 §7.4.1: 1001 "going away" — a server going down, or a connection the proxy ends. */
export const CLOSE_GOING_AWAY = 1001;

/**
 * A WebSocket Close frame (RFC 6455 §5.5.1) with a status code and a short UTF-8 reason (at most
 * 123 bytes, §5.5). `masked` for frames towards the origin: a client's frames are masked (§5.3).
 */
export function closeFrame(code: number, reason: string, masked: boolean): Buffer {
  const text = Buffer.from(reason, 'utf8').subarray(0, 123);
  const payload = Buffer.alloc(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  if (!masked) return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
  const mask = randomBytes(4);
  for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return Buffer.concat([Buffer.from([0x88, 0x80 | payload.length]), mask, payload]);
}

/**
 * Follows one direction of a WebSocket stream (RFC 6455 §5.2) by frame headers only — payloads
 * are skipped, never copied — to know whether the stream stands between two frames: the proxy
 * injects its own Close frame only there, never inside a frame a peer is still sending.
 */
export class FrameBoundary {
  private header: number[] = [];
  private payloadLeft = 0;

  get atBoundary(): boolean {
    return this.header.length === 0 && this.payloadLeft === 0;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.payloadLeft > 0) {
        const skipped = Math.min(this.payloadLeft, chunk.length - offset);
        this.payloadLeft -= skipped;
        offset += skipped;
        continue;
      }
      this.header.push(chunk[offset++]!);
      const length = frameHeaderLength(this.header);
      if (length !== undefined && this.header.length === length) {
        this.payloadLeft = framePayloadLength(this.header);
        this.header = [];
      }
    }
  }
}

/** Bytes of a frame header, known once its first two bytes are: 2, plus 2 or 8 of extended length, plus 4 of mask. */
function frameHeaderLength(header: readonly number[]): number | undefined {
  if (header.length < 2) return undefined;
  const second = header[1]!;
  const length7 = second & 0x7f;
  const extended = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
  return 2 + extended + (second & 0x80 ? 4 : 0);
}

function framePayloadLength(header: readonly number[]): number {
  const length7 = header[1]! & 0x7f;
  if (length7 < 126) return length7;
  if (length7 === 126) return (header[2]! << 8) | header[3]!;
  let length = 0;
  for (let i = 2; i < 10; i++) length = length * 256 + header[i]!;
  return length;
}

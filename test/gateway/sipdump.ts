/**
 * Reads what Kamailio's sipdump module wrote: every SIP message the emergency edge received (`in`)
 * or sent (`out`), in order, with helpers to read headers and multipart bodies.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BodyPart {
  header(name: string): string | undefined;
  body: string;
}

export interface DumpedMessage {
  direction: 'in' | 'out';
  time: number;
  raw: string;
  /** Request method, or undefined for a response. */
  method?: string;
  requestUri?: string;
  status?: number;
  callId: string;
  body: string;
  header(name: string): string | undefined;
  headers(name: string): string[];
  multipart(): BodyPart[];
}

function parseHeaders(block: string): Array<[string, string]> {
  // Unfold continuation lines, then split name: value.
  return block
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => {
      const i = line.indexOf(':');
      return [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()] as [string, string];
    });
}

const COMPACT: Record<string, string> = { i: 'call-id', c: 'content-type', l: 'content-length', f: 'from', t: 'to', v: 'via', m: 'contact' };

function lookup(headers: Array<[string, string]>, name: string): string[] {
  const n = name.toLowerCase();
  return headers.filter(([k]) => k === n || COMPACT[k] === n).map(([, v]) => v);
}

function splitHead(text: string): { head: string; body: string } {
  const i = text.indexOf('\r\n\r\n');
  return i < 0 ? { head: text, body: '' } : { head: text.slice(0, i), body: text.slice(i + 4) };
}

function parseMessage(direction: 'in' | 'out', time: number, raw: string): DumpedMessage {
  const { head, body } = splitHead(raw);
  const [startLine = '', ...rest] = head.split('\r\n');
  const headers = parseHeaders(rest.join('\r\n'));
  const req = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(startLine);
  const res = /^SIP\/2\.0 (\d{3})/.exec(startLine);
  const header = (n: string): string | undefined => lookup(headers, n)[0];
  return {
    direction,
    time,
    raw,
    method: req?.[1],
    requestUri: req?.[2],
    status: res ? Number(res[1]) : undefined,
    callId: header('call-id') ?? '',
    body,
    header,
    headers: (n) => lookup(headers, n),
    multipart: () => {
      const boundary = /boundary="?([^";]+)"?/i.exec(header('content-type') ?? '')?.[1];
      if (!boundary) return [];
      const chunks = body.split(`--${boundary}`);
      // chunks[0] is the preamble; the last is the epilogue after `--boundary--`.
      return chunks.slice(1, -1).map((chunk) => {
        const part = splitHead(chunk.replace(/^\r\n/, ''));
        const ph = parseHeaders(part.head);
        return { header: (n: string) => lookup(ph, n)[0], body: part.body.replace(/\r\n$/, '') };
      });
    },
  };
}

export function readSipDump(dir: string): DumpedMessage[] {
  const messages: DumpedMessage[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.data')).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const record of text.split('====================\n').slice(1)) {
      const sep = record.indexOf('~~~~~~~~~~~~~~~~~~~~\n');
      if (sep < 0) continue;
      const meta = record.slice(0, sep);
      let raw = record.slice(sep + '~~~~~~~~~~~~~~~~~~~~\n'.length);
      raw = raw.replace(/\|{20}\n?$/, '');
      const tag = /tag: (\w+)/.exec(meta)?.[1];
      const time = Number(/time: ([0-9.]+)/.exec(meta)?.[1] ?? 0);
      messages.push(parseMessage(tag === 'snd' ? 'out' : 'in', time, raw));
    }
  }
  return messages.sort((a, b) => a.time - b.time);
}
